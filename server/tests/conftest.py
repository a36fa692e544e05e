"""Fixtures shared by the server's pytest files (the browser suite has its own
conftest.py in browser/).

  backend  (kind, database URL or None for the default SQLite file, schema):
           each test runs on SQLite and on PostgreSQL (a fresh schema, dropped
           after; skipped without GUESTGUARD_TEST_POSTGRES_URL, failed in CI).
  srv      a server on `backend` with 2 threads, stopped (exit 0) after.
  servers  a factory of servers on `backend` (4 threads, 50 ms notification
           poll, extra flags as arguments), each stopped (exit 0) after.
"""
import os
import uuid

import pytest

from test_accounts import PG_URL, psql
from test_http import server_on, stop_and_close


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request):
    """(kind, database URL or None for the default SQLite file, schema)."""
    if request.param == "sqlite":
        yield "sqlite", None, None
        return
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("CI is set but GUESTGUARD_TEST_POSTGRES_URL is not")
        pytest.skip("GUESTGUARD_TEST_POSTGRES_URL is not set")
    schema = "s_" + uuid.uuid4().hex[:16]
    psql(PG_URL, f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield "postgres", f"{PG_URL}{sep}options=-csearch_path%3D{schema}", schema
    finally:
        psql(PG_URL, f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def srv(backend):
    s = server_on(backend, "--threads", "2")
    yield s
    stop_and_close(s)


def start(backend, *args):
    """A server on `backend` with 4 threads, a 50 ms notification poll and `args`."""
    return server_on(backend, "--threads", "4", "--notify-poll-ms", "50", *args)


@pytest.fixture
def servers(backend):
    started = []

    def make(*args):
        s = start(backend, *args)
        started.append(s)
        return s
    yield make
    for s in started:
        stop_and_close(s)
