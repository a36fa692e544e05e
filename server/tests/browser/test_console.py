"""The host console in a real Chromium against the real server (ctest Server.Browser).

One journey, the way a host uses it: sign up → create an event → import a CSV
with one bad row (shown on its row; fix; commit) → make links for everyone →
watch the live monitor while a guest (second profile) answers → a third
profile with another device opens the same link → it is flagged → mark it
suspicious from the inbox → move the sliders (clamping holds, the what-if
changes) and save → invite a viewer, who accepts in a fourth profile and sees
no write control → invite door staff, who accept in a fifth profile, see only
the door view, admit the guest's pass and refuse a surplus one. No browser
may log a JavaScript error or a CSP violation.
Screenshots of every screen at 1280 and 375 px go to $GUESTGUARD_SCREENSHOTS.
"""
import datetime
import json
import os
import statistics
import tempfile
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from browser import IPHONE_UA, LINUX_UA, WINDOWS_UA, WAIT, available
from test_accounts import VERIFY_LINK, call, wait_for_mail
from test_accounts import sent as mailed
from test_collaborators import LINK
from test_door import device_pass, pass_code
from test_guest_page import shot
from test_guests import BROWSER_SIGNALS, rsvp_post

pytestmark = pytest.mark.skipif(not available(), reason="chromium / chromedriver not installed")

FIGURES = os.environ.get("GUESTGUARD_CONSOLE_FIGURES", "")


def until(b, condition, timeout=WAIT):
    return WebDriverWait(b.driver, timeout).until(condition)


def see(b, css, timeout=WAIT):
    return until(b, EC.visibility_of_element_located((By.CSS_SELECTOR, css)), timeout)


def text_in(b, css, text, timeout=WAIT):
    until(b, EC.text_to_be_present_in_element((By.CSS_SELECTOR, css), text), timeout)
    return b.find(css)


def type_in(b, css, value):
    el = b.find(css)
    el.clear()
    el.send_keys(value)


def click(b, css):
    el = see(b, css)
    b.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
    el.click()


def csv_file(text):
    """`text` as guests.csv in a new temporary folder (the name the page shows)."""
    path = os.path.join(tempfile.mkdtemp(prefix="gg-csv-"), "guests.csv")
    with open(path, "w") as f:
        f.write(text)
    return path


def invite_link(srv, email):
    deadline = time.time() + 10
    while time.time() < deadline:
        notes = [r for r in mailed(srv, "collaborator_invite") if r["recipient"] == email]
        if notes:
            return LINK.findall(notes[-1]["text"])[0]
        time.sleep(0.05)
    raise AssertionError(f"no invitation to {email}")


def sign_up(b, srv, name, email, width=None):
    """Signs up in the console, then opens the link of the verification mail
    (the server's mail directory) in the same browser, as a person would.
    With `width`, shoots the form and "check your email" at that width."""
    see(b, '[data-state="signup"]')
    type_in(b, "#name", name)
    type_in(b, "#email", email)
    type_in(b, "#password", "correct horse battery")
    if width:
        shot(b, f"console-signup-{width}.png")
    click(b, 'button[type="submit"]')
    text_in(b, "#sent-to", email)
    if width:
        shot(b, f"console-signup-sent-{width}.png")
    body = wait_for_mail(srv, email, "email_verification")[-1].get_content()
    link = [line for line in body.splitlines() if VERIFY_LINK.search(line)][0].strip()
    b.open(link)


def test_a_host_runs_an_event_from_the_console(srv, browsers):
    base = f"http://127.0.0.1:{srv.port}"
    host = browsers(LINUX_UA, 1280, 900)
    shots = []  # (name, path) of every screen, for the 375 px pass.

    def screen(name):
        shot(host, f"console-{name}-1280.png")
        shots.append((name, host.driver.current_url))

    # The home page, then sign up.
    host.open(base + "/")
    see(host, '[data-state="home"]')
    assert "Invitations only your guests can use" in host.text()
    screen("home")
    click(host, 'a[href="/console/signup"].primary')
    sign_up(host, srv, "Hedy Host", "hedy@example.com", width=1280)
    see(host, "#no-events")
    assert host.find("#who").text == "Hedy Host"
    screen("events-empty")

    # Kept across reloads; the time to the events list on loopback.
    host.open(base + "/console/events")
    see(host, "#no-events")
    to_events = host.driver.execute_script(
        "return performance.getEntriesByName('gg:events-shown')[0].startTime")

    # Create an event.
    click(host, "#new-event")
    type_in(host, "#event-name", "Summer Gala")
    host.driver.execute_script("arguments[0].value = '2031-06-20T18:30'",
                               host.find("#event-starts"))
    type_in(host, "#event-venue", "The Orangery, Kew")
    click(host, "#event-save")
    see(host, '[data-state="guests"]')
    assert host.find("#event-title").text == "Summer Gala"
    assert host.find("#your-role").text == "Owner"
    event_id = host.driver.current_url.split("/")[-2]
    host.open(base + "/console/events")
    text_in(host, "#events", "Summer Gala")
    screen("events")
    host.driver.back()
    see(host, '[data-state="guests"]')

    # CSV import: one bad row, shown on its own row; nothing can be committed.
    click(host, "#open-import")
    bad = csv_file("name,email,phone,plus_ones_allowed\nGrace Hopper,grace@example.com,,1\n"
                   "Alan Turing,alan@example,,lots\nAda Lovelace,ada@example.com,,0\n")
    host.find("#import-file").send_keys(bad)
    row = see(host, '#import-rows tr.bad')
    assert row.get_attribute("data-line") == "3"
    assert row.find_element(By.CSS_SELECTOR, ".row-errors").text
    assert "1 row has a problem" in host.find("#import-summary").text
    assert not host.find("#import-commit").is_enabled()
    screen("import-preview")
    good = csv_file("name,email,phone,plus_ones_allowed\nGrace Hopper,grace@example.com,,1\n"
                    "Alan Turing,alan@example.com,,2\nAda Lovelace,ada@example.com,,0\n")
    host.find("#import-file").send_keys(good)
    text_in(host, "#import-summary", "3 guests are ready")
    click(host, "#import-commit")
    text_in(host, "#guests-notice", "Imported 3 guests")
    text_in(host, "#guest-count", "3 of 3 guests")

    # Links for everyone, then search kept in the URL.
    click(host, "#bulk-links")
    text_in(host, "#guests-notice", "Made 3 new links")
    link = host.find('tr[data-guest="Grace Hopper"] .copy-link').get_attribute("data-link")
    assert "/rsvp/" in link
    token = link.rsplit("/", 1)[1]
    ada_link = host.find('tr[data-guest="Ada Lovelace"] .copy-link').get_attribute("data-link")
    # Email Grace and Ada their links; the table shows each delivery.
    for name in ("Grace Hopper", "Ada Lovelace"):
        click(host, f'tr[data-guest="{name}"] .select-guest')
    text_in(host, "#send-invitations", "(2)")
    click(host, "#send-invitations")
    text_in(host, "#guests-notice", "Sending 2 invitations.")
    text_in(host, 'tr[data-guest="Grace Hopper"] td.delivery', "Invitation sent")
    text_in(host, 'tr[data-guest="Ada Lovelace"] td.delivery', "Invitation sent")
    assert host.find('tr[data-guest="Alan Turing"] td.delivery').text == "Not sent"
    emailed = [r["text"] for r in mailed(srv, "guest_invitation")
               if r["recipient"] == "grace@example.com"]
    assert len(emailed) == 1 and f"{base}/rsvp/gg1." in emailed[0]
    type_in(host, "#guest-search", "ada")
    text_in(host, "#guest-count", "1 of 3 guests")
    assert "q=ada" in host.driver.current_url
    host.driver.refresh()
    text_in(host, "#guest-count", "1 of 3 guests")
    # After a reload the links made earlier show when they were made.
    host.open(f"{base}/console/events/{event_id}/guests")
    text_in(host, "#guest-count", "3 of 3 guests")
    text_in(host, 'tr[data-guest="Grace Hopper"] td.link', "Link made")
    screen("guests")

    # The live monitor.
    host.open(f"{base}/console/events/{event_id}/activity")
    until(host, lambda d: d.find_element(By.ID, "connection").get_attribute("data-connection") == "live")
    # The guest answers on a phone; the host sees it without reloading, within 1 s.
    guest = browsers(IPHONE_UA, 375, 812, phone=True)
    guest.open(f"{base}/rsvp/{token}")
    guest.wait_state("ready")
    guest.find("#answer-yes").click()
    sent = time.time()
    guest.find("#send-answer").click()
    item = see(host, "#feed li.item-rsvp", timeout=5)
    shown = int(item.get_attribute("data-shown-at") or 0) / 1000
    assert shown and shown - sent < 1.0, shown - sent
    assert "Grace Hopper replied yes" in item.text

    # Another device opens the same link: flagged, with reasons in words.
    other = browsers(WINDOWS_UA, 1280, 900, timezone="America/New_York", language="fr-FR")
    other.open(f"{base}/rsvp/{token}")
    other.wait_state("ready")
    flagged = see(host, "#feed li.item-access:not(.band-low)", timeout=5)
    assert flagged.find_elements(By.CSS_SELECTOR, ".reasons li"), flagged.text
    assert "127.0.0.1" in flagged.text and "Opened the invitation" in flagged.text
    assert host.find("#connection").text == "Live"
    screen("activity")

    # One click from the feed: Grace's timeline (open → RSVP → check-in).
    click(host, "#feed li.item-rsvp a.guest-link")
    see(host, "#timeline")
    text_in(host, "#timeline-title", "Grace Hopper")
    reached = [li.get_attribute("data-reached")
               for li in host.driver.find_elements(By.CSS_SELECTOR, "#timeline .milestones li")]
    assert reached == ["yes", "yes", "no"], reached
    steps = host.find("#timeline-steps").text
    assert "Opened the invitation" in steps and "Replied yes" in steps, steps
    assert host.find("#connection").text == "Live"  # The monitor stayed connected.
    screen("timeline")

    # RSVP counts and the list; what was sent.
    click(host, "#tab-rsvps")
    see(host, '[data-state="rsvps"]')
    assert host.find("#count-yes .tile-value").text == "1"
    assert host.find("#count-none .tile-value").text == "2"
    assert host.find("#count-heads .tile-value").text == "1"
    assert "Grace Hopper" in host.find("#rsvps").text
    screen("rsvps")
    click(host, "#tab-notifications")
    see(host, "#notifications")
    sent = host.driver.find_elements(
        By.CSS_SELECTOR, '#notifications tr[data-type="guest_invitation"][data-status="sent"]')
    assert len(sent) == 2 and "grace@example.com" in host.find("#notifications").text
    screen("notifications")
    click(host, "#tab-settings")
    see(host, "#delete-event")
    screen("settings")

    # The inbox: mark it suspicious with a note.
    click(host, "#tab-security")
    see(host, "#inbox-item")
    screen("security")
    type_in(host, "#verdict-note", "Not Grace's laptop")
    click(host, "#mark-suspicious")
    text_in(host, "#verdicts", "suspicious")
    assert "Not Grace's laptop" in host.find("#verdicts").text

    # Sliders: Review dragged to the top pushes Suspicious and Blocked; the
    # what-if follows; save.
    see(host, "#whatif")
    before = host.find("#whatif").text
    host.find("#t-medium").send_keys(Keys.END)
    text_in(host, "#t-medium-value", "98")
    assert host.find("#t-high-value").text == "99" and host.find("#t-block-value").text == "100"
    until(host, lambda d: d.find_element(By.ID, "whatif").text != before)
    host.find("#t-block").send_keys(Keys.HOME)
    text_in(host, "#t-block-value", "3")
    assert host.find("#t-medium-value").text == "1" and host.find("#t-high-value").text == "2"
    click(host, "#reset-thresholds")
    host.find("#t-medium").send_keys(Keys.ARROW_RIGHT)
    click(host, "#save-thresholds")
    text_in(host, "#thresholds-notice", "Saved")
    status, _, saved = call(srv, "GET", f"/events/{event_id}/security/thresholds",
                            token=json.loads(host.driver.execute_script(
                                "return localStorage.getItem('guestguard.session')"))["token"])
    assert status == 200 and saved["medium"] == saved["defaults"]["medium"] + 1, saved

    # Team: invite a viewer.
    click(host, "#tab-team")
    see(host, "#invite-form")
    type_in(host, "#invite-email", "vera@example.com")
    host.find("#invite-role").send_keys("Viewer")
    click(host, "#invite-send")
    text_in(host, "#team-notice", "Invitation sent to vera@example.com")
    text_in(host, "#pending", "vera@example.com")
    screen("team")
    deadline = time.time() + 10
    invite_token = None
    while not invite_token and time.time() < deadline:
        for r in mailed(srv, "collaborator_invite"):
            invite_token = LINK.findall(r["text"])[0]
        time.sleep(0.05)
    assert invite_token

    # The viewer accepts in a fourth profile and sees no write control.
    viewer = browsers(LINUX_UA, 1280, 900)
    viewer.open(f"{base}/invites/{invite_token}")
    text_in(viewer, "#invite-event", "Summer Gala")
    shot(viewer, "console-invite-1280.png")
    shots.append(("invite", viewer.driver.current_url))
    click(viewer, "#invite-signup")
    sign_up(viewer, srv, "Vera Viewer", "vera@example.com")
    click(viewer, "#accept-invite")
    see(viewer, '[data-state="guests"]')
    assert viewer.find("#your-role").text == "Viewer"
    for control in ("#add-guest", "#open-import", "#bulk-links", ".issue-link", ".rotate-link"):
        assert not viewer.driver.find_elements(By.CSS_SELECTOR, control), control
    click(viewer, "#tab-security")
    see(viewer, "#thresholds")
    assert not viewer.driver.find_elements(By.CSS_SELECTOR, "#save-thresholds, #mark-suspicious")
    assert not viewer.find("#t-medium").is_enabled()

    # Door staff: invited from the team card, they land on the door view and
    # see nothing else. The event starts within the hour (the door window).
    host_token = json.loads(host.driver.execute_script(
        "return localStorage.getItem('guestguard.session')"))["token"]
    soon = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
    status, _, _ = call(srv, "PATCH", f"/events/{event_id}",
                        {"starts_at": soon.strftime("%Y-%m-%dT%H:%M:%SZ")}, token=host_token)
    assert status == 200
    type_in(host, "#invite-email", "dora@example.com")
    host.find("#invite-role").send_keys("Door staff")
    click(host, "#invite-send")
    text_in(host, "#team-notice", "Invitation sent to dora@example.com")
    door = browsers(IPHONE_UA, 375, 812, phone=True)
    door.open(f"{base}/invites/{invite_link(srv, 'dora@example.com')}")
    text_in(door, "#invite-event", "Summer Gala")
    click(door, "#invite-signup")
    sign_up(door, srv, "Dora Door", "dora@example.com", width=375)
    click(door, "#accept-invite")
    see(door, '[data-state="door"]')
    text_in(door, "#door-arrivals", "0 people in")
    assert door.find("#your-role").text == "Door staff"
    assert not door.driver.find_elements(By.CSS_SELECTOR, ".tabs, #tab-guests, #tab-activity")
    # The guest's phone shows its pass on the event day; door staff type it.
    guest.driver.refresh()
    guest.wait_state("pass")
    type_in(door, "#door-code", guest.find("#pass-code").text)
    click(door, "#door-check")
    result = see(door, '#door-result[data-admitted="yes"]')
    assert door.find("#door-guest").text == "Grace Hopper"
    assert door.find("#door-count").text == "1 of 2 admitted", result.text
    text_in(door, "#door-arrivals", "1 person in")
    # The plus-one's phone, then a third device: beyond 1 + plus-ones.
    second = device_pass(srv, token, "d" * 64)
    type_in(door, "#door-code", pass_code(second, time.time()).lower())
    click(door, "#door-check")
    text_in(door, "#door-count", "2 of 2 admitted")
    assert door.find("#door-result").get_attribute("data-admitted") == "yes"
    surplus = device_pass(srv, token, "e" * 64)
    type_in(door, "#door-code", pass_code(surplus, time.time()))
    click(door, "#door-check")
    refused = see(door, '#door-result[data-admitted="no"]')
    assert "Already used" in refused.text and "Grace Hopper" in refused.text, refused.text
    assert door.find("#door-count").text == "2 of 2 admitted"
    text_in(door, "#door-arrivals", "2 people in")
    # Search by name, the fallback.
    type_in(door, "#door-search", "grace")
    click(door, "#door-search-go")
    text_in(door, "#door-found", "2 of 2 admitted")
    assert door.driver.execute_script("return document.documentElement.scrollWidth") <= 375
    shot(door, "console-door-375.png")
    host.open(f"{base}/console/events/{event_id}/door")
    text_in(host, "#door-arrivals", "2 people in")
    see(host, "#door-form")
    type_in(host, "#door-code", pass_code(surplus, time.time()))
    click(host, "#door-check")
    see(host, '#door-result[data-admitted="no"]')
    shot(host, "console-door-1280.png")

    # Sign out, and an expired session goes back to sign-in remembering the page.
    click(host, "#sign-out")
    see(host, '[data-state="home"]')
    host.open(f"{base}/console/events/{event_id}/team")
    see(host, '[data-state="signin"]')
    assert "next=%2Fconsole%2Fevents%2F" in host.driver.current_url
    shot(host, "console-signin-1280.png")
    type_in(host, "#email", "hedy@example.com")
    type_in(host, "#password", "correct horse battery")
    click(host, 'button[type="submit"]')
    see(host, "#invite-form")
    host.driver.execute_script("localStorage.setItem('guestguard.session', JSON.stringify("
                               "{token: 'expired', user: {name: 'Hedy Host'}}))")
    host.open(f"{base}/console/events/{event_id}/guests")
    see(host, '[data-state="signin"]')
    assert "next=%2Fconsole%2Fevents%2F" in host.driver.current_url

    # Every screen at 375 px, signed in as the host.
    session = json.dumps(call(srv, "POST", "/auth/login", {"email": "hedy@example.com",
                                                          "password": "correct horse battery"})[2])
    small = browsers(IPHONE_UA, 375, 812, phone=True)
    small.open(base + "/")
    see(small, '[data-state="home"]')
    shot(small, "console-home-375.png")
    small.open(base + "/console/signin")
    shot(small, "console-signin-375.png")
    small.driver.execute_script("localStorage.setItem('guestguard.session', arguments[0])", session)
    for name, url in shots:
        if name in ("home", "invite", "events-empty"):  # Shot elsewhere at 375.
            continue
        small.open(url)
        see(small, "main .wrap")
        time.sleep(0.5)
        if name == "import-preview":
            click(small, "#open-import")
            small.find("#import-file").send_keys(bad)
            see(small, "#import-rows tr.bad")
        assert small.driver.execute_script("return document.documentElement.scrollWidth") <= 375, name
        shot(small, f"console-{name}-375.png")
    # The accepted invite is used up (410): a fresh one for the phone's screenshot.
    fresh = call(srv, "POST", f"/events/{event_id}/collaborators",
                 {"email": "eddie@example.com", "role": "editor"},
                 token=json.loads(session)["token"])
    assert fresh[0] == 201, fresh
    deadline = time.time() + 10
    fresh_token = None
    while not fresh_token and time.time() < deadline:
        notes = [r for r in mailed(srv) if r["recipient"] == "eddie@example.com"]
        fresh_token = LINK.findall(notes[0]["text"])[0] if notes else None
        time.sleep(0.05)
    small.driver.execute_script("localStorage.clear()")
    small.open(f"{base}/invites/{fresh_token}")
    text_in(small, "#invite-event", "Summer Gala")
    shot(small, "console-invite-375.png")

    if FIGURES:
        # The monitor's delivery latency: an RSVP sent → its item shown, 20 times.
        small.driver.execute_script("localStorage.setItem('guestguard.session', arguments[0])",
                                    session)
        small.open(f"{base}/console/events/{event_id}/activity")
        until(small, lambda d: d.find_element(By.ID, "connection")
              .get_attribute("data-connection") == "live")
        ada = ada_link.rsplit("/", 1)[1]
        newest = ("const li = [...document.querySelectorAll('#feed li.item-rsvp')]"
                  ".find((e) => e.textContent.includes('Ada Lovelace'));"
                  "return li ? li.dataset.key + ' ' + (li.dataset.shownAt || '') : '';")
        latencies = []
        for i in range(20):
            before = small.driver.execute_script(newest)
            sent = time.time()
            status, answer = rsvp_post(srv, ada, {"response": "yes" if i % 2 else "maybe",
                                                  "plus_ones": 0, "signals": BROWSER_SIGNALS})
            assert status == 200, answer
            until(small, lambda d: d.execute_script(newest) not in ("", before), timeout=5)
            shown = int(small.driver.execute_script(newest).rsplit(" ", 1)[1]) / 1000
            latencies.append((shown - sent) * 1000)
        with open(FIGURES, "w") as f:
            json.dump({"to_events_ms": to_events,
                       "monitor_ms": {"median": statistics.median(latencies),
                                      "max": max(latencies), "n": len(latencies)}}, f)


def test_large_import_pages_and_link_state_survive_a_reload(srv, browsers):
    """5,000 guests from a CSV with a progress bar and the final count; the
    table pages 100 at a time; a link made shows "Link made <date>" after a
    reload (the server keeps when, never the link); bulk acts on the server."""
    base = f"http://127.0.0.1:{srv.port}"
    from test_accounts import signup
    status, _, session = signup(srv, "pat@example.com", "correct horse battery", "Pat Host")
    assert status == 200, session
    status, _, ev = call(srv, "POST", "/events", {"name": "Big Party",
                                                  "starts_at": "2031-07-01T18:00:00Z"},
                         token=session["token"])
    assert status == 201, ev
    host = browsers(LINUX_UA, 1280, 900)
    host.open(base + "/")
    host.driver.execute_script("localStorage.setItem('guestguard.session', arguments[0])",
                               json.dumps(session))
    guests_url = f"{base}/console/events/{ev['id']}/guests"
    host.open(guests_url)
    see(host, '[data-state="guests"]')

    big = csv_file("name,email,phone,plus_ones_allowed\r\n" + "".join(
        f"Guest {i:04d},guest{i}@example.com,,0\r\n" for i in range(5000)))
    click(host, "#open-import")
    host.find("#import-file").send_keys(big)
    done = see(host, '#import-progress[data-stage="done"]', timeout=60)
    assert "5,000 rows read and checked" in done.text
    bar = host.find("#import-bar")
    assert bar.tag_name == "progress"
    assert bar.get_attribute("value") == bar.get_attribute("max")
    text_in(host, "#import-summary", "5000 guests are ready")
    assert "more valid rows" in host.find("#import-hidden").text  # The table shows the first 100.
    phone = browsers(IPHONE_UA, 375, 812, phone=True)
    phone.open(base + "/")
    phone.driver.execute_script("localStorage.setItem('guestguard.session', arguments[0])",
                                json.dumps(session))
    phone.open(guests_url)
    see(phone, '[data-state="guests"]')
    click(phone, "#open-import")
    phone.find("#import-file").send_keys(big)
    see(phone, '#import-progress[data-stage="done"]', timeout=60)
    for b, width in ((host, 1280), (phone, 375)):  # The bar and the top of the preview.
        b.driver.execute_script("window.scrollTo(0, document.getElementById('import-progress')"
                                ".getBoundingClientRect().top + window.scrollY - 160)")
        assert b.driver.execute_script("return document.documentElement.scrollWidth") <= width
        shot(b, f"console-import-progress-{width}.png", full=False)
    click(host, "#import-commit")
    text_in(host, "#guests-notice", "Imported 5000 guests", timeout=60)
    text_in(host, "#guest-count", "100 of 5000 guests")
    click(host, "#guests-more")
    text_in(host, "#guest-count", "200 of 5000 guests")
    assert len(host.driver.find_elements(By.CSS_SELECTOR, "#guests tbody tr")) == 200

    # Filters go to the server: the search finds a guest beyond the first page.
    type_in(host, "#guest-search", "Guest 4321")
    text_in(host, "#guest-count", "1 of 5000 guests")
    row = 'tr[data-guest="Guest 4321"]'
    assert host.find(f"{row} td.link").get_attribute("data-link-state") == "none"
    click(host, f"{row} .issue-link")
    see(host, f"{row} .copy-link")
    host.driver.refresh()
    text_in(host, "#guest-count", "1 of 5000 guests")
    cell = host.find(f"{row} td.link")
    assert cell.get_attribute("data-link-state") == "made"
    assert "Link made" in cell.text and "Show link" in cell.text

    # Make links for everyone without one: the server knows who has one.
    click(host, "#bulk-links")
    text_in(host, "#guests-notice", "Made 4999 new links.", timeout=60)
    host.open(guests_url)
    text_in(host, "#guest-count", "100 of 5000 guests")
    states = {td.get_attribute("data-link-state")
              for td in host.driver.find_elements(By.CSS_SELECTOR, "#guests td.link")}
    assert states == {"made"}, states
    phone.open(guests_url)
    text_in(phone, "#guest-count", "100 of 5000 guests")
    for b, width in ((host, 1280), (phone, 375)):  # The end of the first page.
        b.driver.execute_script("document.getElementById('guests-more')"
                                ".scrollIntoView({block: 'end'})")
        assert b.driver.execute_script("return document.documentElement.scrollWidth") <= width
        shot(b, f"console-guests-paged-{width}.png", full=False)
    click(host, "#bulk-links")
    text_in(host, "#guests-notice", "Every guest already has a link.")

    # RSVP counts cover the whole event, not one page.
    host.open(f"{base}/console/events/{ev['id']}/rsvps")
    text_in(host, "#count-none", "5000")


def test_verification_account_page_and_an_unverified_invitee(srv, browsers):
    """Issue 15 items 2, 7, 13 as a person sees them: signing up ends at "check
    your email" and the mailed link signs in; an unverified address cannot sign
    in (and can ask for the link again); the account page changes the password
    and signs out everywhere; an unverified invitee is told to verify first."""
    from test_accounts import PASSWORD, db_exec, request_signup, signup
    base = f"http://127.0.0.1:{srv.port}"
    ann = browsers(LINUX_UA, 1280, 900)
    ann.open(base + "/console/signup")
    sign_up(ann, srv, "Ann Account", "ann@example.com")
    see(ann, "#no-events")
    assert ann.find("#who").text == "Ann Account"

    # An address not verified yet: the sign-in says so and offers the link again.
    assert request_signup(srv, "uma@example.com", PASSWORD, "Uma")[0] == 202
    used = VERIFY_LINK.findall(wait_for_mail(srv, "ann@example.com",
                                             "email_verification")[-1].get_content())[0]
    for uma, width in ((browsers(LINUX_UA, 1280, 900), 1280),
                       (browsers(IPHONE_UA, 375, 812, phone=True), 375)):
        uma.open(base + "/console/signin")
        type_in(uma, "#email", "uma@example.com")
        type_in(uma, "#password", PASSWORD)
        click(uma, 'button[type="submit"]')
        text_in(uma, "[role=alert], .error", "verification email")
        click(uma, "#resend-verification")
        text_in(uma, "#resend-sent", "new link is on its way")
        shot(uma, f"console-signin-unverified-{width}.png")
        # A used link says what to do.
        uma.open(f"{base}/console/verify#{used}")
        see(uma, '[data-state="verify-error"]')
        assert "already been used" in uma.text()
        assert "#" not in uma.driver.current_url  # The token left the address bar.
        assert uma.driver.execute_script("return document.documentElement.scrollWidth") <= width
        shot(uma, f"console-verify-error-{width}.png")

    # The account page: a password change ends the other sessions.
    status, _, other = call(srv, "POST", "/auth/login",
                            {"email": "ann@example.com", "password": "correct horse battery"})
    assert status == 200
    click(ann, "#who")
    see(ann, '[data-state="account"]')
    type_in(ann, "#current-password", "correct horse battery")
    type_in(ann, "#new-password", "a longer new password")
    type_in(ann, "#confirm-password", "a longer new passwort")
    click(ann, "#change-password")
    text_in(ann, "[role=alert], .error", "not the same")
    type_in(ann, "#confirm-password", "a longer new password")
    click(ann, "#change-password")
    text_in(ann, "#password-changed", "Every other device is signed out")
    assert call(srv, "GET", "/me", token=other["token"])[0] == 401
    shot(ann, "console-account-1280.png")
    phone = browsers(IPHONE_UA, 375, 812, phone=True)
    phone.open(base + "/")
    phone.driver.execute_script("localStorage.setItem('guestguard.session', arguments[0])",
                                ann.driver.execute_script(
                                    "return localStorage.getItem('guestguard.session')"))
    phone.open(base + "/console/events")
    see(phone, "#no-events")
    shot(phone, "console-events-empty-375.png")
    phone.open(base + "/console/account")
    see(phone, '[data-state="account"]')
    assert phone.driver.execute_script("return document.documentElement.scrollWidth") <= 375
    shot(phone, "console-account-375.png")

    # An invitee signed in without a verified address (an account from before
    # verification existed) is told to verify, not let in.
    status, _, owner = signup(srv, "olive@example.com", PASSWORD, "Olive")
    assert status == 200
    status, _, ev = call(srv, "POST", "/events", {"name": "Spring Fair",
                                                  "starts_at": "2031-04-01T10:00:00Z"},
                         token=owner["token"])
    assert status == 201
    assert call(srv, "POST", f"/events/{ev['id']}/collaborators",
                {"email": "ann@example.com", "role": "editor"}, token=owner["token"])[0] == 201
    db_exec(srv, "UPDATE users SET email_verified_at = NULL WHERE email = 'ann@example.com'")
    ann.open(f"{base}/invites/{invite_link(srv, 'ann@example.com')}")
    text_in(ann, "#invite-event", "Spring Fair")
    assert "a\u2022\u2022\u2022@example.com" in ann.text()  # The masked address.
    assert "this invitation is for" not in ann.text()  # The mask matches Ann.
    click(ann, "#accept-invite")
    text_in(ann, "#verify-first", "Verify your email address before you join")
    shot(ann, "console-invite-unverified-1280.png")
    phone.open(ann.driver.current_url)
    text_in(phone, "#invite-event", "Spring Fair")
    click(phone, "#accept-invite")
    text_in(phone, "#verify-first", "Verify your email address before you join")
    assert phone.driver.execute_script("return document.documentElement.scrollWidth") <= 375
    shot(phone, "console-invite-unverified-375.png")

    # Sign out everywhere: this browser goes to sign-in, and the server agrees.
    db_exec(srv, "UPDATE users SET email_verified_at = created_at WHERE email = 'ann@example.com'")
    click(ann, "#who")
    see(ann, '[data-state="account"]')
    token = json.loads(ann.driver.execute_script(
        "return localStorage.getItem('guestguard.session')"))["token"]
    click(ann, "#sign-out-everywhere")
    see(ann, '[data-state="signin"]')
    assert call(srv, "GET", "/me", token=token)[0] == 401
