"""Shared fixtures: the reference keyring and the access attempts the C++ tests use."""

import datetime as dt
import sqlite3
import threading
import time

import pytest

import guestguard as gg

# The same key the C++ guard tests use (bytes 0..31).
KEYRING_SPEC = "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"
T0 = dt.datetime.fromtimestamp(1795000000, dt.timezone.utc)


def usual_browser(at=T0):
    """A desktop browser sending every signal, from 203.0.113.42."""
    return gg.AccessAttempt(
        kind="open",
        client_ip="203.0.113.42",
        at=at,
        signals=gg.ClientSignals(
            user_agent="Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) Safari/605.1.15",
            fingerprint="fp-usual",
            timezone="Europe/Paris",
            language="fr-FR",
            screen="1440x900",
            platform="MacIntel",
        ),
    )


def other_device(at):
    """A different device on a different network, sending every signal."""
    return gg.AccessAttempt(
        client_ip="198.51.100.9",
        at=at,
        signals=gg.ClientSignals(
            user_agent="Mozilla/5.0 (Linux; Android 14) Chrome/126.0",
            fingerprint="fp-other",
            timezone="America/New_York",
            language="en-US",
            screen="412x915",
            platform="Linux armv8l",
        ),
    )


def run_while_locked(path, call):
    """Runs call() in a thread while `path` is locked; returns (counts this thread made in
    0.5 s, whether the call was still blocked then, what it returned)."""
    lock = sqlite3.connect(path, isolation_level=None, timeout=10)
    lock.execute("BEGIN EXCLUSIVE")
    entered = threading.Event()
    outcome = {}

    def worker():
        entered.set()
        try:
            outcome["value"] = call()
        except Exception as e:  # Reported below.
            outcome["error"] = e

    th = threading.Thread(target=worker)
    th.start()
    entered.wait()
    counter = 0
    deadline = time.monotonic() + 0.5
    while time.monotonic() < deadline:
        counter += 1
    still_blocked = th.is_alive()
    lock.execute("ROLLBACK")
    lock.close()
    th.join(timeout=30)
    assert "error" not in outcome, outcome.get("error")
    return counter, still_blocked, outcome.get("value")


@pytest.fixture(params=["memory", "sqlite::memory:", "sqlite-file"])
def guard(request, tmp_path):
    """A Guard on every store backend."""
    store = request.param
    if store == "sqlite-file":
        store = f"sqlite:{tmp_path / 'guard.db'}"
    with gg.Guard(keyring=KEYRING_SPEC, store=store) as g:
        yield g
