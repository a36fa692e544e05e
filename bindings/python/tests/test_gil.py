"""Every call that can block on the store runs without the GIL, and close()
does not pull the guard from under a call in flight.

Another SQLite connection holds the write lock, so the call blocks inside C++
(up to the store's 5 s busy timeout). Were the GIL held, this thread could not
count at all until the call returned. (test_threads.py shows the same for
check.)
"""

import threading
import time

import pytest

import guestguard as gg
from conftest import KEYRING_SPEC, run_while_locked, usual_browser

BLOCKING_CALLS = {
    "set_thresholds": lambda guard, state: guard.set_thresholds("ev1", medium=40),
    "add_allowlist": lambda guard, state: guard.add_allowlist("ev1", "10.0.0.0/8"),
    "rotate_token": lambda guard, state: guard.rotate_token("ev1", "g1"),
    "record_feedback": lambda guard, state: guard.record_feedback(
        "ev1", state["access"], "legitimate"),
    "check": lambda guard, state: guard.check(state["token"], usual_browser()),
}


@pytest.mark.parametrize("name", sorted(BLOCKING_CALLS))
def test_a_store_call_waiting_on_a_lock_lets_other_threads_run(name, tmp_path):
    path = tmp_path / "guard.db"
    with gg.Guard(keyring=KEYRING_SPEC, store=f"sqlite:{path}") as guard:
        state = {"token": guard.issue_token("ev1", "g1")}
        state["access"] = guard.check(state["token"], usual_browser()).access_log_id
        counter, still_blocked, _ = run_while_locked(path, lambda: BLOCKING_CALLS[name](guard, state))
        assert counter > 1000
        assert still_blocked, f"{name} finished while the file was locked"


def test_close_during_a_blocked_check_lets_the_check_finish(tmp_path):
    path = tmp_path / "guard.db"
    guard = gg.Guard(keyring=KEYRING_SPEC, store=f"sqlite:{path}")
    token = guard.issue_token("ev1", "g1")
    closed_at = {}

    def check_then_close():
        closer = threading.Timer(0.1, lambda: (guard.close(), closed_at.setdefault(
            "t", time.monotonic())))
        closer.start()
        decision = guard.check(token, usual_browser())
        closer.join()
        return decision, time.monotonic()

    counter, still_blocked, (decision, returned_at) = run_while_locked(path, check_then_close)
    assert still_blocked and counter > 1000
    assert guard.closed and closed_at["t"] < returned_at
    assert decision.allowed and decision.access_log_id
    with pytest.raises(gg.FailedPrecondition):
        guard.check(token, usual_browser())
