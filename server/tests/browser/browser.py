"""A real Chromium for the browser suite, and the few helpers its tests share."""
import base64
import hashlib
import hmac
import json
import os
import shutil
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = os.environ.get("GUESTGUARD_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("GUESTGUARD_CHROMEDRIVER", "/usr/bin/chromedriver")
WAIT = 15  # Seconds any single wait for the page may take.

IPHONE_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
             "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")
ANDROID_UA = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/126.0.0.0 Mobile Safari/537.36")
WINDOWS_UA = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/126.0.0.0 Safari/537.36")
LINUX_UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Safari/537.36")


def available():
    return os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)


# The suite's fixed signing key (tests mint tokens with it).
KEY = bytes(range(32))
KEYRING = "k1:" + base64.urlsafe_b64encode(KEY).decode().rstrip("=")


class Browser:
    """One Chromium profile: its own user-data dir, user agent, language, time
    zone and viewport (phone: touch and device metrics emulated); `extra_args`
    are more Chromium switches (a fake camera, say)."""

    def __init__(self, user_agent, width, height, timezone="Europe/London", language="en-GB",
                 phone=False, extra_args=()):
        self.profile = tempfile.mkdtemp(prefix="gg-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                    "--disable-default-apps", "--disable-extensions",
                    f"--user-data-dir={self.profile}", f"--user-agent={user_agent}",
                    f"--window-size={width},{height}", f"--lang={language}", *extra_args):
            options.add_argument(arg)
        options.add_experimental_option("prefs", {"intl.accept_languages": language})
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        self.driver.set_page_load_timeout(WAIT)
        self.driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": timezone})
        if phone:
            self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": height, "deviceScaleFactor": 2, "mobile": True,
                "screenWidth": width, "screenHeight": height})
            self.driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled",
                                        {"enabled": True, "maxTouchPoints": 5})
        self.log = []

    def open(self, url):
        self.driver.get(url)

    def wait_state(self, state):
        """Waits for the element data-state=`state` and returns it."""
        return WebDriverWait(self.driver, WAIT).until(
            EC.visibility_of_element_located((By.CSS_SELECTOR, f'[data-state="{state}"]')))

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def console(self):
        """Every browser log entry so far (kept across calls)."""
        self.log += self.driver.get_log("browser")
        return self.log

    def problems(self):
        """Console errors and CSP violations. Expected, and logged by Chromium as
        failed network loads rather than script errors: the guest page's JSON
        calls answered 404 (a link that is not valid) or 403 (a refused access),
        a console call answered 401 (an expired session, or a sign-in refused),
        a verification link answered 404 or 410 (broken, used or expired), and
        accepting an invite answered 403 (an unverified address)."""
        def expected(e):
            if e.get("source") != "network":
                return False
            m = e["message"]
            return ("/rsvp/" in m and ("status of 404" in m or "status of 403" in m)) \
                or "status of 401" in m \
                or ("/auth/verify " in m and ("status of 404" in m or "status of 410" in m)) \
                or ("/accept " in m and "status of 403" in m)
        return [e for e in self.console()
                if (e["level"] == "SEVERE" and not expected(e))
                or "Content Security Policy" in e["message"]
                or "Content-Security-Policy" in e["message"]]

    def screenshot(self, path, full=True):
        """The whole page as a PNG, or (full=False) only what the viewport shows
        now, for a page too long to picture whole."""
        if full:
            y = 0
            height = self.driver.execute_script("return document.documentElement.scrollHeight")
        else:
            y = self.driver.execute_script("return window.scrollY")
            height = self.driver.execute_script("return window.innerHeight")
        width = self.driver.execute_script("return document.documentElement.clientWidth")
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": full,
            "clip": {"x": 0, "y": y, "width": width, "height": height, "scale": 1}})
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))

    def close(self):
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)


# The door pass code (web/guest/doorpass.js, server/handlers/door_pass.cc).
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def pass_code(secret_b64url, at_seconds, period=30):
    secret = base64.urlsafe_b64decode(secret_b64url + "=" * (-len(secret_b64url) % 4))
    step = int(at_seconds // period)
    mac = hmac.new(secret, f"ggpass1:{step}".encode(), hashlib.sha256).digest()
    bits = int.from_bytes(mac[:5], "big")
    return "".join(CROCKFORD[(bits >> (5 * i)) & 31] for i in range(7, -1, -1))


def varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def mint_token(key_id, key, event_id, guest_id, generation, issued, expires=None):
    """A guest token in the library's format (src/token.cc), signed with `key`."""
    payload = b""
    for s in (key_id, event_id, guest_id):
        payload += bytes([len(s)]) + s.encode()
    payload += varint(generation) + varint(issued)
    payload += varint(0 if expires is None else expires - issued + 1)
    head = "gg1." + b64url(payload)
    tag = hmac.new(key, head.encode(), hashlib.sha256).digest()
    return head + "." + b64url(tag)


def token_generation(token):
    """The generation a token carries."""
    payload = base64.urlsafe_b64decode(token[4:token.index(".", 4)] + "==")
    i = 0
    for _ in range(3):
        i += 1 + payload[i]
    n, shift = 0, 0
    while True:
        byte = payload[i]
        i += 1
        n |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return n


def now():
    return time.time()


def dumps(v):
    return json.dumps(v, indent=1, sort_keys=True)
