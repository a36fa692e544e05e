"""End-to-end tests of the quotas (events per account, guests per event, CSV
imports per event per hour): 409 quota_exceeded / 429 rate_limited with
Retry-After, a message naming the limit, and nothing written when refused.

Parametrised over SQLite and PostgreSQL like test_guests.py. Stdlib only.
"""
import json

import pytest

from test_accounts import call, error_of
from test_events import create, user
from test_guest_import import HEADER, csv_call
from test_guests import add_guest
from test_http import Server


@pytest.fixture
def small(backend):
    """A server with small quotas: 2 events per account, 5 guests per event,
    2 imports per hour."""
    kind, url, schema = backend
    s = Server(["--threads", "2", "--max-events-per-account", "2",
                "--max-guests-per-event", "5"],
               env={"GUESTGUARD_MAX_IMPORTS_PER_HOUR": "2"}, database=url)
    s.kind, s.schema = kind, schema
    try:
        yield s
        assert s.stop() == 0, s.stderr()
    finally:
        s.close()


def count_guests(s, token, event_id):
    status, _, body = call(s, "GET", f"/events/{event_id}/guests", token=token)
    assert status == 200, body
    return body["total"]


def rows(*names):
    return HEADER + "".join(f"{n},,,0\r\n" for n in names)


def test_events_per_account(small):
    token, _ = user(small, "alice@example.com")
    first = create(small, token, name="One")
    create(small, token, name="Two")
    status, _, body = call(small, "POST", "/events",
                           {"name": "Three", "starts_at": "2031-06-01T18:00:00Z"}, token=token)
    message = error_of(status, body, 409, "quota_exceeded")
    assert "limit of 2 events per account" in message
    status, _, listed = call(small, "GET", "/events", token=token)
    assert sorted(e["name"] for e in listed["events"]) == ["One", "Two"]
    other, _ = user(small, "bob@example.com")  # Per account.
    create(small, other, name="Bob's")
    assert call(small, "DELETE", f"/events/{first['id']}", token=token)[0] == 204
    create(small, token, name="Three")  # A deleted event frees its place.


def test_guests_per_event_and_an_import_over_it_is_refused_whole(small):
    token, _ = user(small, "alice@example.com")
    ev = create(small, token)
    for name in ("Ann", "Ben", "Cat"):
        add_guest(small, token, ev["id"], name=name)
    status, body = csv_call(small, token, ev["id"], "commit", rows("Dan", "Eve", "Fay"))
    message = error_of(status, body, 409, "quota_exceeded")
    assert "limit of 5 guests per event" in message and "nothing was added" in message
    assert count_guests(small, token, ev["id"]) == 3  # All or nothing.
    status, body = csv_call(small, token, ev["id"], "commit", rows("Dan", "Eve"))
    assert status == 201 and body == {"created": 2}, body
    status, _, body = call(small, "POST", f"/events/{ev['id']}/guests", {"name": "Gil"},
                           token=token)
    assert "limit of 5 guests per event" in error_of(status, body, 409, "quota_exceeded")
    assert count_guests(small, token, ev["id"]) == 5


def test_imports_per_hour_answer_429_with_retry_after(small):
    token, _ = user(small, "alice@example.com")
    ev = create(small, token)
    # A refused import (a bad row) writes nothing and is not counted.
    status, body = csv_call(small, token, ev["id"], "commit", HEADER + ",no-name,,0\r\n")
    assert status == 400, body
    for name in ("Ann", "Ben"):
        status, body = csv_call(small, token, ev["id"], "commit", rows(name))
        assert status == 201, body
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/csv"}
    status, hdrs, payload = small.request("POST", f"/events/{ev['id']}/guests/import/commit",
                                          body=rows("Cat").encode(), headers=headers)
    assert status == 429, payload
    assert 3500 <= int(hdrs["retry-after"]) <= 3600
    error = json.loads(payload)["error"]
    assert error["code"] == "rate_limited" and "limit of 2 imports per hour" in error["message"]
    assert count_guests(small, token, ev["id"]) == 2
    other = create(small, token, name="Other")  # Per event.
    status, body = csv_call(small, token, other["id"], "commit", rows("Cat"))
    assert status == 201, body


def test_quota_flags_are_validated():
    for flag in ("--max-events-per-account", "--max-guests-per-event",
                 "--max-imports-per-hour"):
        for bad in ("0", "-1", "lots", "1000001"):
            with pytest.raises(AssertionError, match="expected a number from 1 to 1000000"):
                Server([flag, bad])
