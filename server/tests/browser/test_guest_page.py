"""The guest page in a real Chromium against the real server (ctest Server.Browser).

Each test opens the link a host sends (<public url>/rsvp/<token>) in one or
more fresh Chromium profiles with normal (not headless) user agents, then
reads what the host sees through the API. After every test, no browser may
have logged a JavaScript error or a Content-Security-Policy violation.
"""
import base64
import datetime
import http.client
import json
import os
import pathlib
import secrets
import statistics
import time

import pytest

from browser import (ANDROID_UA, IPHONE_UA, LINUX_UA, WINDOWS_UA, Browser, available,
                     mint_token, pass_code, token_generation)
from test_accounts import call
from test_events import create, user
from test_guests import add_guest, issue
from test_http import Server

pytestmark = pytest.mark.skipif(not available(), reason="chromium / chromedriver not installed")

KEY = bytes(range(32))
KEYRING = "k1:" + base64.urlsafe_b64encode(KEY).decode().rstrip("=")
IMAGES = pathlib.Path(os.environ.get("GUESTGUARD_SCREENSHOTS", ""))
PREVIEW_AGENTS = {
    "Slack": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "WhatsApp": "WhatsApp/2.23.20.0 A",
    "iMessage": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 "
                "(KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 "
                "Facebot Twitterbot/1.0",
    "LinkedIn": "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "Teams": "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 "
             "skype-url-preview@microsoft.com",
    "Discord": "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "Telegram": "TelegramBot (like TwitterBot)",
    "Outlook Safe Links": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                          "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 "
                          "Microsoft Office/16.0 (Microsoft Outlook 16.0; Safe Links)",
}


@pytest.fixture
def srv():
    s = Server(["--threads", "4", "--keyring", KEYRING, "--rate-limit-burst", "1000",
                "--rate-limit-per-minute", "100000"])
    try:
        yield s
        assert s.stop() == 0, s.stderr()
    finally:
        s.close()


@pytest.fixture
def browsers():
    """Opens browsers on demand; closes them and checks their logs afterwards."""
    opened = []

    def open_browser(*args, **kwargs):
        b = Browser(*args, **kwargs)
        opened.append(b)
        return b

    yield open_browser
    try:
        for b in opened:
            assert not b.problems(), f"browser log:\n{json.dumps(b.console(), indent=1)}"
    finally:
        for b in opened:
            b.close()


def phone(browsers):
    return browsers(IPHONE_UA, 375, 812, timezone="Europe/London", language="en-GB", phone=True)


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def setup_guest(s, plus_ones=1, starts_at=None):
    host, _ = user(s, "host@example.com")
    ev = create(s, host, name="Summer Gala", venue="The Orangery, Kew",
                description="Black tie. Dinner at eight.",
                starts_at=starts_at or "2031-06-20T18:30:00Z")
    guest = add_guest(s, host, ev["id"], name="Grace Hopper", plus_ones_allowed=plus_ones)
    link = issue(s, host, ev["id"], guest["id"])
    return host, ev, guest, link


def url(s, link):
    return f"http://127.0.0.1:{s.port}/rsvp/{link['token']}"


def accesses(s, host, event_id):
    status, _, body = call(s, "GET", f"/events/{event_id}/activity?limit=100", token=host)
    assert status == 200, body
    return [i for i in body["items"] if i["type"] == "access"]


def shot(b, name):
    if str(IMAGES):
        IMAGES.mkdir(parents=True, exist_ok=True)
        b.screenshot(str(IMAGES / name))


def answer(b, response, plus_ones=0):
    b.find(f"#answer-{response}").click()
    for _ in range(plus_ones):
        b.find("#plus-ones-more").click()
    b.find("#send-answer").click()
    return b.wait_state("answered")


def test_phone_opens_a_fresh_link_answers_yes_with_one_plus_one_and_the_host_sees_it_low(
        srv, browsers):
    host, ev, guest, link = setup_guest(srv)
    b = phone(browsers)
    b.open(url(srv, link))
    b.wait_state("ready")
    assert b.find("#event-name").text == "Summer Gala"
    assert b.find("#guest-name").text == "Grace Hopper"
    assert "The Orangery, Kew" in b.text()
    assert "Europe/London" in b.find("#event-when").text  # The guest's own time zone.
    # Usable at 375 px: nothing wider than the viewport.
    assert b.driver.execute_script("return document.documentElement.scrollWidth") <= 375
    answered = answer(b, "yes", plus_ones=1)
    assert "Yes, I will come — with 1 guest" in answered.text

    got = accesses(srv, host, ev["id"])
    assert {a["kind"] for a in got} == {"open", "rsvp"}, got
    for a in got:
        assert a["decision"]["band"] == "low", a
        assert len(a["signals"]["fingerprint"]) == 64, a
        assert a["signals"]["timezone"] == "Europe/London", a
        assert a["signals"]["platform"].startswith("iPhone;hc="), a
        assert a["signals"]["screen"].startswith("375x812x"), a
    status, _, rsvps = call(srv, "GET", f"/events/{ev['id']}/rsvps", token=host)
    assert status == 200 and rsvps["rsvps"][0]["plus_ones"] == 1, rsvps
