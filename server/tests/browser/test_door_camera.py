"""The door view's camera path in a real Chromium (ctest Server.Browser).

web/console/screens/door.js offers "Scan with camera" where the browser has
both `BarcodeDetector` and `getUserMedia`, streams the camera into a <video>
and asks the detector for a QR code four times a second. Chromium gives the
camera for real here: `--use-fake-device-for-media-stream` is Chromium's own
fake capture device (a moving test pattern through the real getUserMedia,
MediaStream and <video> pipeline) and `--use-fake-ui-for-media-stream` grants
the permission prompt. Headless Chromium on Linux has no `BarcodeDetector`
(the shape detection API is not built there), so that one piece — and only
that one — is a stand-in installed before the page's scripts run
(`Page.addScriptToEvaluateOnNewDocument`): its `detect(source)` answers
nothing until `source` is a <video> that is playing real frames, then the
code the test holds up to the camera (`window.ggHeldUp`, the guest's current
pass code, computed the way the guest's phone computes it). Everything else —
the button, the stream, the scan loop, reading the code, the verify call and
the answer — is the console's code against the real server.
"""
import datetime
import json
import time

import pytest
from selenium.webdriver.common.by import By

from browser import ANDROID_UA, available
from test_accounts import call, signup
from test_collaborators import accept, invite
from test_console import see, text_in
from test_door import device_pass, pass_code
from test_guest_page import shot
from test_guests import add_guest, issue

pytestmark = pytest.mark.skipif(not available(), reason="chromium / chromedriver not installed")

FAKE_CAMERA = ("--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream")

# The stand-in for the browser's missing detector. It records what it was
# built for and every source it was shown, and returns the held-up code only
# once the <video> plays real frames (so a scan loop fed no video reads nothing).
DETECTOR = """
window.ggDetector = { formats: null, frames: 0 };
window.ggHeldUp = '';
window.BarcodeDetector = class BarcodeDetector {
  constructor(options) { window.ggDetector.formats = options && options.formats; }
  static async getSupportedFormats() { return ['qr_code']; }
  async detect(source) {
    const playing = source instanceof HTMLVideoElement && !source.paused
      && source.readyState >= 2 && source.videoWidth > 0 && source.currentTime > 0;
    if (!playing) return [];
    window.ggDetector.frames += 1;
    return window.ggHeldUp ? [{ format: 'qr_code', rawValue: window.ggHeldUp }] : [];
  }
};
"""

# What a person sees of the camera: a <video> on the page with moving frames.
VIDEO_PLAYING = """
const v = document.querySelector('video.scanner-video');
return !!v && !v.paused && v.readyState >= 2 && v.videoWidth > 0 && v.currentTime > 0
  && v.getBoundingClientRect().height > 0;
"""


def door_staff_on_an_event(srv):
    """An event starting within the hour (the door window), Grace with one
    plus-one (2 places) and her link, and a door-staff session."""
    status, _, owner = signup(srv, "olga@example.com", name="Olga Owner")
    assert status == 200, owner
    soon = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
    status, _, ev = call(srv, "POST", "/events", {
        "name": "Harbour Dinner", "starts_at": soon.strftime("%Y-%m-%dT%H:%M:%SZ")},
        token=owner["token"])
    assert status == 201, ev
    grace = add_guest(srv, owner["token"], ev["id"], name="Grace Hopper",
                      email="grace@example.com", plus_ones_allowed=1)
    token = issue(srv, owner["token"], ev["id"], grace["id"])["token"]
    status, _, door = signup(srv, "dan@example.com", name="Dan Door")
    assert status == 200, door
    _, invite_token = invite(srv, owner["token"], ev["id"], "dan@example.com", role="door")
    assert accept(srv, invite_token, door["token"])[0] == 200
    return ev, token, door


def open_door_view(b, srv, session, event_id):
    base = f"http://127.0.0.1:{srv.port}"
    b.open(base + "/")
    b.driver.execute_script("localStorage.setItem('guestguard.session', arguments[0])",
                            json.dumps(session))
    b.open(f"{base}/console/events/{event_id}/door")
    see(b, '[data-state="door"]')
    see(b, "#door-form")


def start_camera(b):
    """Clicks "Scan with camera" with nothing held up, and waits until the
    video shows the camera's frames."""
    b.driver.execute_script("window.ggHeldUp = ''")
    b.find("#door-scan").click()
    see(b, "video.scanner-video")
    deadline = time.time() + 15
    while not b.driver.execute_script(VIDEO_PLAYING):
        assert time.time() < deadline, "the camera's video never played"
        time.sleep(0.05)
    assert not b.driver.find_elements(By.CSS_SELECTOR, "#door-scan")  # Scanning now.


def hold_up(b, code):
    b.driver.execute_script("window.ggHeldUp = arguments[0]", code)


def test_the_camera_reads_a_pass_and_refuses_a_surplus_one(srv, browsers):
    ev, token, door = door_staff_on_an_event(srv)
    phone = browsers(ANDROID_UA, 375, 812, phone=True, extra_args=FAKE_CAMERA)
    phone.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": DETECTOR})
    open_door_view(phone, srv, door, ev["id"])
    assert phone.find("#your-role").text == "Door staff"
    assert phone.find("#door-scan").text == "Scan with camera"

    # Grace's phone shows her pass; door staff point the camera at it.
    first = pass_code(device_pass(srv, token, "a" * 64), time.time())
    start_camera(phone)
    shot(phone, "console-door-camera-375.png")
    hold_up(phone, first)
    result = see(phone, '#door-result[data-admitted="yes"]')
    assert result.find_element(By.CSS_SELECTOR, ".verdict-title").text == "Admitted"
    assert phone.find("#door-guest").text == "Grace Hopper"
    assert phone.find("#door-count").text == "1 of 2 admitted"
    detector = phone.driver.execute_script("return window.ggDetector")
    assert detector["formats"] == ["qr_code"] and detector["frames"] >= 1, detector
    # The camera stopped once the code was read, and can be started again.
    assert not phone.driver.find_elements(By.CSS_SELECTOR, "video.scanner-video")
    text_in(phone, "#door-arrivals", "1 person in")
    shot(phone, "console-door-admitted-375.png")

    # The plus-one's phone, then a third device: beyond 1 + plus-ones, refused in words.
    start_camera(phone)
    hold_up(phone, pass_code(device_pass(srv, token, "b" * 64), time.time()).lower())
    text_in(phone, "#door-count", "2 of 2 admitted")
    assert phone.find("#door-result").get_attribute("data-admitted") == "yes"
    start_camera(phone)
    hold_up(phone, pass_code(device_pass(srv, token, "c" * 64), time.time()))
    refused = see(phone, '#door-result[data-admitted="no"]')
    assert refused.find_element(By.CSS_SELECTOR, ".verdict-title").text == "Already used"
    assert phone.find("#door-guest").text == "Grace Hopper"
    assert phone.find("#door-count").text == "2 of 2 admitted"
    words = refused.find_element(By.CSS_SELECTOR, ".meta").text
    assert words and "checkin_limit" not in words, words  # A sentence, not a code.
    text_in(phone, "#door-arrivals", "2 people in")
    assert phone.driver.execute_script("return document.documentElement.scrollWidth") <= 375
    shot(phone, "console-door-refused-375.png")


def test_no_camera_button_without_a_barcode_detector(srv, browsers):
    """Headless Chromium on Linux has a camera (the fake one) but no
    BarcodeDetector: the door view offers typing the code only."""
    ev, _, door = door_staff_on_an_event(srv)
    phone = browsers(ANDROID_UA, 375, 812, phone=True, extra_args=FAKE_CAMERA)
    open_door_view(phone, srv, door, ev["id"])
    assert phone.driver.execute_script("return typeof window.BarcodeDetector") == "undefined", \
        "this Chromium has a BarcodeDetector: the absent case needs another browser"
    assert phone.driver.execute_script("return !!navigator.mediaDevices.getUserMedia")
    see(phone, "#door-code")
    assert not phone.driver.find_elements(By.CSS_SELECTOR, "#door-scan, video")
