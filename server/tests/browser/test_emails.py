"""The HTML part of every email (server/email_templates.cc) as a person sees
it in a real Chromium, on a 375 px phone and in a 640 px reading pane: the
heading and the action button are visible, nothing is wider than the screen,
and the values read as typed.

The HTML comes from the C++ renderer itself: the unit test binary beside the
server writes the sample emails (GUESTGUARD_EMAIL_PREVIEW_DIR). Screenshots at
640 px go to $GUESTGUARD_SCREENSHOTS as email-<type>.png when it is set
(docs/images/email-*.png come from there).
"""
import os
import subprocess
import tempfile

import pytest
from selenium.webdriver.common.by import By

from browser import ANDROID_UA, LINUX_UA, available
from test_http import BIN

UNIT = os.path.join(os.path.dirname(BIN), "guestguard_server_unit_test")
EMAILS = {
    "guest-invitation": ("You are invited to Summer Gala 2026", "Open your invitation"),
    "guest-reminder": ("Will you come to Summer Gala 2026?", "Open your invitation"),
    "rsvp-confirmation": ("We have your answer", None),
    "collaborator-invite": ("Join the team of Summer Gala 2026", "Accept the invitation"),
    "fraud-alert": ("Blocked use of Ana Lima's invitation", "Review it in the console"),
}

pytestmark = pytest.mark.skipif(not available(), reason="chromium or chromedriver missing")


@pytest.fixture(scope="module")
def rendered():
    if not os.access(UNIT, os.X_OK):
        pytest.skip(f"{UNIT} not built")
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([UNIT, "--gtest_filter=EmailTemplates.EveryEmail*"], check=True,
                       capture_output=True, timeout=60,
                       env={**os.environ, "GUESTGUARD_EMAIL_PREVIEW_DIR": out})
        assert sorted(os.listdir(out)) == sorted(f"email-{n}.html" for n in EMAILS)
        yield out


@pytest.mark.parametrize("width,ua,phone", [(375, ANDROID_UA, True), (640, LINUX_UA, False)])
def test_each_email_reads_well_on_a_phone_and_in_a_reading_pane(rendered, browsers, width, ua,
                                                                phone):
    b = browsers(ua, width, 900, phone=phone)
    shots = os.environ.get("GUESTGUARD_SCREENSHOTS")
    for name, (heading, action) in EMAILS.items():
        b.open("file://" + os.path.join(rendered, f"email-{name}.html"))
        h1 = b.find("h1")
        assert h1.is_displayed() and h1.text == heading, (name, h1.text)
        overflow = b.driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (name, width, overflow)
        links = [a for a in b.driver.find_elements(By.TAG_NAME, "a") if a.text == action]
        if action:
            assert len(links) == 1 and links[0].is_displayed(), (name, action)
            box = links[0].rect
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, (name, box)
            assert links[0].get_attribute("href").startswith("https://guests.example.com/")
        else:
            assert not b.driver.find_elements(By.CSS_SELECTOR, "a[href]")
        assert "<" not in b.text()  # No markup shows through as text.
        if shots and width == 640:
            b.screenshot(os.path.join(shots, f"email-{name}.png"))
