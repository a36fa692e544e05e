"""Fixtures of the real-browser suite (ctest Server.Browser).

The suite drives Debian's Chromium through its chromedriver (python3-selenium)
against the real guestguard-server. Selenium is pointed at both binaries
explicitly, so its own driver manager never tries to download anything.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
