"""Concurrency: many Python threads share one Guard, and calls release the GIL."""

import datetime as dt
import threading

import guestguard as gg
from conftest import KEYRING_SPEC, T0, run_while_locked, usual_browser

THREADS = 8
CHECKS = 200


def test_concurrent_checks_on_a_sqlite_file_are_safe_and_all_recorded(tmp_path):
    with gg.Guard(keyring=KEYRING_SPEC, store=f"sqlite:{tmp_path / 'guard.db'}") as guard:
        tokens = [guard.issue_token("ev1", f"g{t}") for t in range(THREADS)]
        results = [[] for _ in range(THREADS)]
        errors = []
        barrier = threading.Barrier(THREADS)

        def worker(t):
            try:
                barrier.wait()
                for i in range(CHECKS):
                    d = guard.check(tokens[t], usual_browser(T0 + dt.timedelta(hours=i)))
                    results[t].append(d)
            except Exception as e:  # Reported below; a thread must not die silently.
                errors.append(e)

        threads = [threading.Thread(target=worker, args=(t,)) for t in range(THREADS)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=120)
        assert not errors
        decisions = [d for per_thread in results for d in per_thread]
        assert len(decisions) == THREADS * CHECKS
        assert all(d.token_status == gg.TokenStatus.VALID and d.allowed for d in decisions)
        for t in range(THREADS):
            assert {d.guest_id for d in results[t]} == {f"g{t}"}
        ids = {d.access_log_id for d in decisions}
        assert len(ids) == THREADS * CHECKS
        assert len(guard.list_accesses("ev1", limit=10 * THREADS * CHECKS)) == THREADS * CHECKS


def test_a_blocked_check_lets_other_python_threads_run(tmp_path):
    """A check waiting on a locked SQLite file runs without the GIL.

    Another connection holds the write lock, so the check blocks inside C++
    (up to the store's 5 s busy timeout). Were the GIL held, this thread could
    not run at all until the check returned.
    """
    path = tmp_path / "guard.db"
    with gg.Guard(keyring=KEYRING_SPEC, store=f"sqlite:{path}") as guard:
        token = guard.issue_token("ev1", "g1")
        counter, still_blocked, decision = run_while_locked(
            path, lambda: guard.check(token, usual_browser()))
        assert counter > 1000
        assert still_blocked, "the check finished while the file was locked"
        assert decision.allowed
