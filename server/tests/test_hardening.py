"""Security hardening (issue 15): each test guards one fault of the review.

Parametrised over SQLite and PostgreSQL where the database matters (the `srv`
fixture of test_accounts.py). Stdlib only.
"""
import json

from test_accounts import PG_URL, backend, call, error_of, psql, srv  # noqa: F401
from test_events import create, user
from test_guests import BROWSER, add_guest, issue


def log_lines(s):
    return [json.loads(line) for line in s.stderr().splitlines() if line.startswith("{")]


def test_an_encoded_token_route_is_served_and_its_token_redacted_in_the_log(srv):
    """Fault 11: /%72svp/<token> reaches /rsvp/{token}; the log shows no token."""
    owner, _ = user(srv, "alice@example.com")
    ev = create(srv, owner)
    g = add_guest(srv, owner, ev["id"])
    token = issue(srv, owner, ev["id"], g["id"])["token"]
    for path in (f"/%72svp/{token}", f"/r%73vp/{token}", f"/%63heckin/{token}"):
        status, _, _ = srv.request("GET" if "svp" in path else "POST", path,
                                   headers={"Accept": "application/json", **BROWSER})
        assert status != 404 or "checkin" in path, (path, status)
    assert token not in srv.stderr()
    paths = [line.get("path") for line in log_lines(srv) if line.get("msg") == "request"]
    assert paths.count("/rsvp/[redacted]") >= 2, paths


def test_an_encoded_slash_is_not_a_separator(srv):
    """Fault 11: %2F stays inside its segment, so it cannot reach another route."""
    owner, _ = user(srv, "alice@example.com")
    ev = create(srv, owner)
    status, _, _ = call(srv, "GET", f"/events/{ev['id']}%2Fguests", token=owner)
    assert status == 404
    status, _, _ = call(srv, "GET", f"/events/{ev['id']}/guests", token=owner)
    assert status == 200
