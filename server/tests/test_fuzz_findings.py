"""What the fuzzers of fuzz/ found in the server, checked end to end over HTTP
(the harnesses' crash inputs in fuzz/corpus/ guard the functions themselves).
Stdlib only.
"""
import base64

from test_accounts import call, error_of
from test_events import create, user


def test_a_number_too_large_for_a_double_is_400_not_infinity(srv):
    """json_body: 1e999 parsed as infinity, which Boost.JSON prints as the non-JSON Infinity."""
    owner, _ = user(srv, "alice@example.com")
    ev = create(srv, owner)
    for raw in ('{"name":"Ada","plus_ones_allowed":1e999}', '{"name":"Ada","x":[-1e400]}'):
        status, _, answer = call(srv, "POST", f"/events/{ev['id']}/guests", token=owner, raw=raw)
        assert "out of range" in error_of(status, answer, 400, "invalid_argument"), raw


def test_an_activity_cursor_is_accepted_only_in_the_form_the_server_writes(srv):
    """activity_cursor: a leading zero or padding decoded to a cursor too; 19-digit values did not."""
    owner, _ = user(srv, "alice@example.com")
    ev = create(srv, owner)

    def cursor(text, pad=False):
        c = base64.urlsafe_b64encode(text.encode()).decode()
        return c if pad else c.rstrip("=")

    path = f"/events/{ev['id']}/activity?cursor="
    for bad in (cursor("01:rsvp:1"), cursor("1:rsvp:1", pad=True)):
        status, _, answer = call(srv, "GET", path + bad, token=owner)
        error_of(status, answer, 400, "invalid_argument")
    for good in (cursor("1:rsvp:1"), cursor("1000000000000000000:access:1")):
        status, _, answer = call(srv, "GET", path + good, token=owner)
        assert status == 200, answer
