"""Security hardening (issue 15): each test guards one fault of the review.

Parametrised over SQLite and PostgreSQL where the database matters (the `srv`
fixture of conftest.py). Stdlib only.
"""
import json

from test_accounts import call, error_of
from test_events import create, user
from test_guests import BROWSER, add_guest, issue


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
    paths = [line.get("path") for line in srv.log_lines() if line.get("msg") == "request"]
    assert paths.count("/rsvp/[redacted]") >= 2, paths


def test_an_encoded_slash_is_not_a_separator(srv):
    """Fault 11: %2F stays inside its segment, so it cannot reach another route."""
    owner, _ = user(srv, "alice@example.com")
    ev = create(srv, owner)
    status, _, _ = call(srv, "GET", f"/events/{ev['id']}%2Fguests", token=owner)
    assert status == 404
    status, _, _ = call(srv, "GET", f"/events/{ev['id']}/guests", token=owner)
    assert status == 200


def test_a_nul_in_any_json_string_is_400(srv):
    """Fault 13: NUL is refused at the edge (PostgreSQL answered 500)."""
    owner, _ = user(srv, "alice@example.com")
    ev = create(srv, owner)
    for path, body in ((f"/events/{ev['id']}/guests", {"name": "Gr\u0000ace"}),
                       ("/events", {"name": "Party\u0000", "starts_at": "2030-01-01T18:00:00Z"}),
                       (f"/events/{ev['id']}/guests", {"name": "G", "x\u0000": 1}),
                       (f"/events/{ev['id']}/security/allowlist",
                        {"cidr": "10.0.0.1", "note": ["\u0000"]})):
        status, _, answer = call(srv, "POST", path, body, token=owner)
        assert "NUL" in error_of(status, answer, 400, "invalid_argument"), (path, answer)


def test_very_wide_allowlist_ranges_need_a_confirmation_and_wide_ones_warn(srv):
    """Fault 13: /0 (and anything wider than /8 or /32) is refused unless confirmed."""
    owner, _ = user(srv, "alice@example.com")
    ev = create(srv, owner)
    path = f"/events/{ev['id']}/security/allowlist"
    for cidr in ("0.0.0.0/0", "10.0.0.0/7", "::/0", "2001::/31"):
        status, _, answer = call(srv, "POST", path, {"cidr": cidr}, token=owner)
        assert "confirm_wide" in error_of(status, answer, 400, "invalid_argument"), answer
    status, _, answer = call(srv, "POST", path, {"cidr": "0.0.0.0/0", "confirm_wide": "yes"},
                             token=owner)
    assert status == 400, answer
    status, _, answer = call(srv, "POST", path, {"cidr": "0.0.0.0/0", "confirm_wide": True},
                             token=owner)
    assert status == 201 and "wide range" in answer["warning"], answer
    status, _, answer = call(srv, "POST", path, {"cidr": "10.0.0.0/8"}, token=owner)
    assert status == 201 and "warning" in answer, answer
    status, _, answer = call(srv, "POST", path, {"cidr": "10.1.0.0/16"}, token=owner)
    assert status == 201 and "warning" not in answer, answer
    assert any(line.get("msg") == "wide allowlist entry" for line in srv.log_lines())


def test_passwords_need_12_characters(srv):
    """Fault 13 (ASVS 2.1.1)."""
    status, _, answer = call(srv, "POST", "/auth/signup",
                             {"email": "a@example.com", "password": "elevenchars", "name": "A"})
    assert "12 to 128" in error_of(status, answer, 400, "invalid_argument"), answer
    status, _, answer = call(srv, "POST", "/auth/signup",
                             {"email": "a@example.com", "password": "twelve chars", "name": "A"})
    assert status == 202, answer


def test_help_says_to_pass_the_keyring_by_environment():
    """Fault 13: a --keyring flag shows in `ps` to every local user."""
    import subprocess
    from test_http import BIN
    out = subprocess.run([BIN, "--help"], capture_output=True, timeout=30).stdout.decode()
    text = " ".join(out.split())
    assert "GUESTGUARD_KEYRING" in text and "not as a flag" in text, out


def test_text_that_is_not_utf8_is_refused_at_the_edge(srv):
    """Fault 8: JSON bodies, CSV files, paths and query strings."""
    owner, _ = user(srv, "alice@example.com")
    ev = create(srv, owner)
    status, _, _ = call(srv, "POST", f"/events/{ev['id']}/guests", token=owner,
                        raw=b'{"name": "Zo\xeb"}')
    assert status == 400
    status, _, _ = srv.request("GET", f"/events/{ev['id']}?x=%E9",
                               headers={"Authorization": f"Bearer {owner}"})
    assert status == 400
    # A Windows-1252 CSV saved by Excel: 400 naming the line and the encoding.
    body = "name,email\r\nAda,ada@example.com\r\nZoë,zoe@example.com\r\n".encode("cp1252")
    status, _, answer = srv.request("POST", f"/events/{ev['id']}/guests/import/commit", body=body,
                                    headers={"Authorization": f"Bearer {owner}",
                                             "Content-Type": "text/csv"})
    answer = json.loads(answer)
    assert status == 400, answer
    message = answer["error"]["message"]
    assert "line 3" in message and "Windows-1252" in message and "CSV UTF-8" in message, message
    status, _, guests = call(srv, "GET", f"/events/{ev['id']}/guests", token=owner)
    assert status == 200 and not guests["guests"], guests


def test_names_refuse_line_breaks_and_nul(srv):
    """Fault 8: an event name can no longer break (and so disable) its emails."""
    owner, _ = user(srv, "alice@example.com")
    ev = create(srv, owner)
    for name in ("Party\r\nBcc: everyone@example.com", "Party\n", "Pa\u0007rty"):
        status, _, answer = call(srv, "POST", "/events",
                                 {"name": "x" + name, "starts_at": "2030-01-01T18:00:00Z"},
                                 token=owner)
        assert status == 400, answer
        status, _, answer = call(srv, "PATCH", f"/events/{ev['id']}", {"name": "x" + name},
                                 token=owner)
        assert status == 400, answer
        status, _, answer = call(srv, "POST", f"/events/{ev['id']}/guests", {"name": "x" + name},
                                 token=owner)
        assert status == 400, answer
    body = b'name,email\r\n"Ada\rLovelace",ada@example.com\r\n'
    status, _, answer = srv.request("POST", f"/events/{ev['id']}/guests/import/commit", body=body,
                                    headers={"Authorization": f"Bearer {owner}",
                                             "Content-Type": "text/csv"})
    assert status == 400, answer


def test_ipv6_clients_are_rate_limited_by_their_64():
    """Fault 4: rotating addresses inside one /64 does not escape the guest limit."""
    from test_http import Server
    s = Server(["--trusted-proxies", "127.0.0.1", "--rate-limit-burst", "3",
                "--rate-limit-per-minute", "1"])
    try:
        def get(ip):
            return s.request("GET", "/rsvp/gg1.not-a-token.x",
                             headers={"Accept": "application/json", **BROWSER,
                                      "X-Forwarded-For": ip})[0]
        statuses = [get(f"2001:db8:5:6::{i:x}") for i in range(1, 6)]
        assert statuses[:3] == [404, 404, 404] and statuses[3:] == [429, 429], statuses
        assert get("2001:db8:5:7::1") == 404  # Another /64.
        statuses = [get("::ffff:198.51.100.9") for _ in range(3)] + [get("198.51.100.9")]
        assert statuses == [404, 404, 404, 429], statuses  # IPv4-mapped folds to IPv4.
        assert s.stop() == 0, s.stderr()
    finally:
        s.close()


def test_a_user_agent_that_is_not_utf8_still_opens_the_invitation(srv):
    """A header's obs-text bytes (here 0xff) are no reason to refuse a guest; PostgreSQL
    refuses such text, so the server must not hand it to the database as is."""
    owner, _ = user(srv, "alice@example.com")
    ev = create(srv, owner)
    g = add_guest(srv, owner, ev["id"])
    token = issue(srv, owner, ev["id"], g["id"])["token"]
    headers = {"Accept": "application/json", **BROWSER, "User-Agent": "Mozilla/5.0 \xff\xfe"}
    status, _, body = srv.request("GET", f"/rsvp/{token}", headers=headers)
    assert status == 200, body
    status, _, body = srv.request("POST", f"/rsvp/{token}", body=json.dumps({"response": "yes"}),
                                  headers={**headers, "Content-Type": "application/json"})
    assert status == 200, body
