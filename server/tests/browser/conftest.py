"""Fixtures of the real-browser suite (ctest Server.Browser).

The suite drives Debian's Chromium through its chromedriver (python3-selenium)
against the real guestguard-server. Selenium is pointed at both binaries
explicitly, so its own driver manager never tries to download anything.
"""
import json
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from browser import KEYRING, Browser  # noqa: E402
from test_http import Server  # noqa: E402


@pytest.fixture
def srv():
    """A real server with a fixed key and the rate limit out of the way."""
    args = ["--threads", "4", "--keyring", KEYRING, "--rate-limit-burst", "1000",
            "--rate-limit-per-minute", "100000"]
    if os.environ.get("GUESTGUARD_TEST_UI_DIR"):  # Iterating on web/ without a rebuild.
        args += ["--ui-dir", os.environ["GUESTGUARD_TEST_UI_DIR"]]
    s = Server(args)
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
