"""End-to-end tests of an event's team: /events/{id}/collaborators... and the
invitee's side /invites/{token} (preview) and /invites/{token}/accept.

Parametrised over SQLite and PostgreSQL like test_events.py (PostgreSQL runs in
a fresh schema and is skipped when GUESTGUARD_TEST_POSTGRES_URL is unset).
Invite tokens never appear in API responses: the tests read the link from the
log line the default LogNotificationSender writes. Stdlib only.
"""
import datetime
import hashlib
import re
import time
import secrets
import sqlite3
import threading

import pytest

from test_accounts import PG_URL, call, error_of, psql, sent
from test_events import create, user
from test_http import Server, server_on, stop_and_close

LINK = re.compile(r"http://127\.0\.0\.1:\d+/invites/([A-Za-z0-9_-]+)")


def invite(s, owner, event_id, email, role="editor"):
    """Invites `email`; returns (response body, token read from the notification log line)."""
    before = len(sent(s))
    status, _, body = call(s, "POST", f"/events/{event_id}/collaborators",
                           {"email": email, "role": role}, token=owner)
    assert status == 201, body
    # The notification worker sends it (outbox → bus → worker → log sender).
    deadline = time.monotonic() + 10
    while True:
        notes = sent(s)
        if len(notes) > before or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    assert len(notes) == before + 1
    note = notes[-1]
    assert note["type"] == "collaborator_invite"
    assert note["recipient"] == email.strip().lower()
    tokens = LINK.findall(note["text"])
    assert len(tokens) == 1, note
    return body, tokens[0]


def preview(s, token):
    status, _, body = call(s, "GET", f"/invites/{token}")
    return status, body


def accept(s, token, session):
    status, _, body = call(s, "POST", f"/invites/{token}/accept", token=session)
    return status, body


def team(s, session, event_id):
    status, _, body = call(s, "GET", f"/events/{event_id}/collaborators", token=session)
    assert status == 200, body
    return body


def sql(s, query, pg_query=None):
    """Runs a statement on the server's database (the PostgreSQL schema is on the search path)."""
    if s.kind == "sqlite":
        with sqlite3.connect(s.sqlite_path) as db:
            return [tuple(str(v) for v in row) for row in db.execute(query).fetchall()]
    out = psql(PG_URL, f"SET search_path TO {s.schema}; " + (pg_query or query))
    return [tuple(line.split("|")) for line in out.splitlines() if line and line != "SET"]


def owners(s, event_id):
    rows = sql(s, f"SELECT user_id FROM event_members WHERE event_id = {int(event_id)}"
                  " AND role = 'owner'")
    return sorted(r[0] for r in rows)


def expire(s, token):
    digest = hashlib.sha256(token.encode()).hexdigest()
    past = int((datetime.datetime.now(datetime.timezone.utc).timestamp() - 3600) * 1_000_000)
    sql(s, f"UPDATE event_invites SET expires_at = {past} WHERE token_hash = '{digest}'",
        f"UPDATE event_invites SET expires_at = now() - interval '1 hour'"
        f" WHERE token_hash = '{digest}'")


def gone(status, body):
    return error_of(status, body, 410, "gone")


def test_invite_preview_accept_grants_the_role_and_a_replay_is_410(srv):
    alice, alice_id = user(srv, "alice@example.com")
    ev = create(srv, alice, name="Gala")
    bob, bob_id = user(srv, "bob@example.com")
    now = datetime.datetime.now(datetime.timezone.utc)
    created, token = invite(srv, alice, ev["id"], " Bob@Example.COM ", "editor")
    assert set(created) == {"email", "role", "expires_at"}
    assert created["email"] == "bob@example.com" and created["role"] == "editor"
    expires = datetime.datetime.fromisoformat(created["expires_at"].replace("Z", "+00:00"))
    assert abs((expires - now) - datetime.timedelta(days=7)) < datetime.timedelta(minutes=1)
    assert len(token) >= 22  # >= 128 bits of base64url.

    listed = team(srv, alice, ev["id"])
    assert listed == {
        "collaborators": [{"user_id": alice_id, "email": "alice@example.com", "name": "alice",
                           "role": "owner"}],
        "pending": [created]}
    status, _, body = call(srv, "GET", f"/events/{ev['id']}", token=bob)
    error_of(status, body, 404, "not_found")

    status, body = preview(srv, token)  # Public: no session.
    assert status == 200, body
    # The bound address is masked: a leaked link does not say whom to sign up as.
    assert body == {"event_name": "Gala", "inviter_name": "alice", "email": "b\u2022\u2022\u2022@example.com",
                    "role": "editor", "expires_at": created["expires_at"]}

    status, body = accept(srv, token, None)
    error_of(status, body, 401, "unauthenticated")
    status, body = accept(srv, token, bob)
    assert status == 200, body
    assert body == {"event_id": ev["id"], "role": "editor"}
    status, _, got = call(srv, "GET", f"/events/{ev['id']}", token=bob)
    assert status == 200 and got["your_role"] == "editor"
    listed = team(srv, bob, ev["id"])
    assert listed["pending"] == []
    assert {"user_id": bob_id, "email": "bob@example.com", "name": "bob",
            "role": "editor"} in listed["collaborators"]
    assert listed["collaborators"][0]["user_id"] == alice_id  # Owners first.

    message = gone(*accept(srv, token, bob))
    assert "already been used" in message
    gone(*preview(srv, token))
    # Only the SHA-256 of the token is stored.
    stored = sql(srv, "SELECT token_hash, state FROM event_invites")
    assert stored == [(hashlib.sha256(token.encode()).hexdigest(), "accepted")]


def test_the_log_sender_writes_the_link_but_never_the_token_hash(srv):
    alice, _ = user(srv, "alice@example.com")
    ev = create(srv, alice)
    bob, _ = user(srv, "bob@example.com")
    _, token = invite(srv, alice, ev["id"], "bob@example.com", "viewer")
    assert preview(srv, token)[0] == 200 and accept(srv, token, bob)[0] == 200
    assert preview(srv, token)[0] == 410
    records = srv.log_lines()
    notes = sent(srv)
    assert len(notes) == 1
    assert f"http://127.0.0.1:{srv.port}/invites/{token}" in notes[0]["text"]
    assert "viewer" in notes[0]["text"] and notes[0]["subject"]
    log = srv.stderr()
    assert hashlib.sha256(token.encode()).hexdigest() not in log
    # The token is in the notification line and nowhere else: request lines
    # show the token segment of /invites/<token> redacted.
    assert [line for line in log.splitlines() if token in line] == [
        line for line in log.splitlines() if '"msg":"notification"' in line]
    paths = [r.get("path") for r in records if r["msg"] == "request"]
    assert paths.count("/invites/[redacted]") == 2
    assert paths.count("/invites/[redacted]/accept") == 1


def test_another_account_gets_403_and_the_invite_stays_usable(srv):
    alice, _ = user(srv, "alice@example.com")
    ev = create(srv, alice)
    bob, _ = user(srv, "bob@example.com")
    carol, _ = user(srv, "carol@example.com")
    _, token = invite(srv, alice, ev["id"], "bob@example.com", "viewer")
    error_of(*accept(srv, token, carol), 403, "permission_denied")
    status, _, body = call(srv, "GET", f"/events/{ev['id']}", token=carol)
    error_of(status, body, 404, "not_found")
    status, body = accept(srv, token, bob)
    assert status == 200 and body["role"] == "viewer"


def test_an_expired_invite_is_410(srv):
    alice, _ = user(srv, "alice@example.com")
    ev = create(srv, alice)
    bob, _ = user(srv, "bob@example.com")
    _, token = invite(srv, alice, ev["id"], "bob@example.com")
    expire(srv, token)
    assert "expired" in gone(*preview(srv, token))
    assert "expired" in gone(*accept(srv, token, bob))
    assert team(srv, alice, ev["id"])["pending"] == []
    status, _, body = call(srv, "DELETE",
                           f"/events/{ev['id']}/collaborators/pending?email=bob%40example.com",
                           token=alice)
    error_of(status, body, 404, "not_found")
    status, _, body = call(srv, "GET", f"/events/{ev['id']}", token=bob)
    error_of(status, body, 404, "not_found")
    # A new invite to the same address works.
    _, fresh = invite(srv, alice, ev["id"], "bob@example.com")
    assert accept(srv, fresh, bob)[0] == 200


def test_a_cancelled_invite_is_410(srv):
    alice, _ = user(srv, "alice@example.com")
    ev = create(srv, alice)
    bob, _ = user(srv, "bob@example.com")
    _, token = invite(srv, alice, ev["id"], "bob@example.com")
    base = f"/events/{ev['id']}/collaborators/pending"
    status, _, body = call(srv, "DELETE", base, token=alice)
    error_of(status, body, 400, "invalid_argument")
    status, _, body = call(srv, "DELETE", base + "?email=not-an-email", token=alice)
    error_of(status, body, 400, "invalid_argument")
    status, _, body = call(srv, "DELETE", base + "?email=carol%40example.com", token=alice)
    error_of(status, body, 404, "not_found")
    status, _, body = call(srv, "DELETE", base + "?email=%20BOB%40example.com", token=alice)
    assert status == 204 and body is None
    assert "cancelled" in gone(*preview(srv, token))
    assert "cancelled" in gone(*accept(srv, token, bob))
    assert team(srv, alice, ev["id"])["pending"] == []
    status, _, body = call(srv, "DELETE", base + "?email=bob%40example.com", token=alice)
    error_of(status, body, 404, "not_found")


def test_reinviting_a_pending_email_replaces_the_old_invite(srv):
    alice, _ = user(srv, "alice@example.com")
    ev = create(srv, alice)
    bob, _ = user(srv, "bob@example.com")
    _, old = invite(srv, alice, ev["id"], "bob@example.com", "viewer")
    created, new = invite(srv, alice, ev["id"], "bob@example.com", "editor")
    assert new != old
    assert team(srv, alice, ev["id"])["pending"] == [created]
    assert "replaced" in gone(*preview(srv, old))
    assert "replaced" in gone(*accept(srv, old, bob))
    status, body = accept(srv, new, bob)
    assert status == 200 and body["role"] == "editor"


def test_inviting_a_member_is_409(srv):
    alice, _ = user(srv, "alice@example.com")
    ev = create(srv, alice)
    bob, _ = user(srv, "bob@example.com")
    path = f"/events/{ev['id']}/collaborators"
    status, _, body = call(srv, "POST", path, {"email": "ALICE@example.com", "role": "viewer"},
                           token=alice)
    error_of(status, body, 409, "already_exists")
    _, token = invite(srv, alice, ev["id"], "bob@example.com")
    assert accept(srv, token, bob)[0] == 200
    status, _, body = call(srv, "POST", path, {"email": "bob@example.com", "role": "owner"},
                           token=alice)
    error_of(status, body, 409, "already_exists")
    assert team(srv, alice, ev["id"])["pending"] == []


def test_invite_validation_is_400(srv):
    alice, _ = user(srv, "alice@example.com")
    ev = create(srv, alice)
    path = f"/events/{ev['id']}/collaborators"
    for body in [{}, {"email": "bob@example.com"}, {"role": "editor"},
                 {"email": "bob@example.com", "role": "admin"},
                 {"email": "bob@example.com", "role": "Owner"},
                 {"email": "bob@example.com", "role": 1}, {"email": 5, "role": "viewer"},
                 {"email": "no-at-sign", "role": "viewer"},
                 {"email": "b" * 250 + "@example.com", "role": "viewer"}]:
        status, _, answer = call(srv, "POST", path, body, token=alice)
        error_of(status, answer, 400, "invalid_argument")
    status, _, answer = call(srv, "POST", path, raw="{", token=alice)
    error_of(status, answer, 400, "invalid_json")
    assert team(srv, alice, ev["id"])["pending"] == []
    assert "notification" not in [r["msg"] for r in srv.log_lines()]


def test_change_role_and_remove(srv):
    alice, _ = user(srv, "alice@example.com")
    ev = create(srv, alice)
    bob, bob_id = user(srv, "bob@example.com")
    _, token = invite(srv, alice, ev["id"], "bob@example.com", "viewer")
    assert accept(srv, token, bob)[0] == 200
    path = f"/events/{ev['id']}/collaborators/{bob_id}"
    for body in [{}, {"role": "boss"}, {"role": None}]:
        status, _, answer = call(srv, "PATCH", path, body, token=alice)
        error_of(status, answer, 400, "invalid_argument")
    status, _, body = call(srv, "PATCH", path, {"role": "editor"}, token=alice)
    assert status == 200, body
    assert body == {"user_id": bob_id, "email": "bob@example.com", "name": "bob",
                    "role": "editor"}
    status, _, got = call(srv, "GET", f"/events/{ev['id']}", token=bob)
    assert got["your_role"] == "editor"
    for missing in ["999999", "abc", "pending"]:
        status, _, body = call(srv, "PATCH", f"/events/{ev['id']}/collaborators/{missing}",
                               {"role": "viewer"}, token=alice)
        error_of(status, body, 404, "not_found")
    status, _, body = call(srv, "DELETE", f"/events/{ev['id']}/collaborators/999999", token=alice)
    error_of(status, body, 404, "not_found")
    status, _, body = call(srv, "DELETE", path, token=alice)
    assert status == 204 and body is None
    status, _, body = call(srv, "GET", f"/events/{ev['id']}", token=bob)
    error_of(status, body, 404, "not_found")
    status, _, body = call(srv, "DELETE", path, token=alice)
    error_of(status, body, 404, "not_found")


def test_the_last_owner_can_be_neither_demoted_nor_removed(srv):
    alice, alice_id = user(srv, "alice@example.com")
    ev = create(srv, alice)
    bob, bob_id = user(srv, "bob@example.com")
    base = f"/events/{ev['id']}/collaborators"
    for method, body in [("PATCH", {"role": "editor"}), ("PATCH", {"role": "viewer"}),
                         ("DELETE", None)]:
        status, _, answer = call(srv, method, f"{base}/{alice_id}", body, token=alice)
        assert "owner" in error_of(status, answer, 400, "invalid_argument")
    assert owners(srv, ev["id"]) == [alice_id]
    # Owner to owner is not a demotion.
    status, _, answer = call(srv, "PATCH", f"{base}/{alice_id}", {"role": "owner"}, token=alice)
    assert status == 200 and answer["role"] == "owner"

    _, token = invite(srv, alice, ev["id"], "bob@example.com", "owner")
    assert accept(srv, token, bob) == (200, {"event_id": ev["id"], "role": "owner"})
    status, _, answer = call(srv, "PATCH", f"{base}/{alice_id}", {"role": "viewer"}, token=alice)
    assert status == 200 and answer["role"] == "viewer"
    status, _, answer = call(srv, "DELETE", f"{base}/{bob_id}", token=bob)
    error_of(status, answer, 400, "invalid_argument")
    status, _, answer = call(srv, "DELETE", f"{base}/{alice_id}", token=bob)
    assert status == 204
    assert owners(srv, ev["id"]) == [bob_id]


def test_concurrent_self_demotions_of_two_owners_keep_one_owner(srv):
    alice, alice_id = user(srv, "alice@example.com")
    ev = create(srv, alice)
    bob, bob_id = user(srv, "bob@example.com")
    _, token = invite(srv, alice, ev["id"], "bob@example.com", "owner")
    assert accept(srv, token, bob)[0] == 200
    base = f"/events/{ev['id']}/collaborators"
    sessions = {alice_id: alice, bob_id: bob}
    for _ in range(10):
        barrier = threading.Barrier(2)
        results = {}

        def demote_self(uid):
            barrier.wait()
            results[uid] = call(srv, "PATCH", f"{base}/{uid}", {"role": "editor"},
                                token=sessions[uid])

        threads = [threading.Thread(target=demote_self, args=(uid,)) for uid in sessions]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        statuses = sorted(r[0] for r in results.values())
        assert statuses == [200, 400], results
        remaining = owners(srv, ev["id"])
        assert len(remaining) == 1
        demoted = next(uid for uid in sessions if uid not in remaining)
        status, _, _ = call(srv, "PATCH", f"{base}/{demoted}", {"role": "owner"},
                            token=sessions[remaining[0]])
        assert status == 200
        assert owners(srv, ev["id"]) == sorted(sessions)


def test_non_owners_get_403_and_non_members_404(srv):
    alice, alice_id = user(srv, "alice@example.com")
    ev = create(srv, alice)
    eddie, eddie_id = user(srv, "eddie@example.com")
    mallory, _ = user(srv, "mallory@example.com")
    _, token = invite(srv, alice, ev["id"], "eddie@example.com", "editor")
    assert accept(srv, token, eddie)[0] == 200
    base = f"/events/{ev['id']}/collaborators"
    assert len(team(srv, eddie, ev["id"])["collaborators"]) == 2  # Reading is viewer+.
    status, _, body = call(srv, "POST", base, {"email": "x@example.com", "role": "viewer"},
                           token=eddie)
    error_of(status, body, 403, "permission_denied")
    status, _, body = call(srv, "PATCH", f"{base}/{eddie_id}", {"role": "owner"}, token=eddie)
    error_of(status, body, 403, "permission_denied")
    for method, path, body in [("GET", base, None),
                               ("POST", base, {"email": "x@example.com", "role": "viewer"}),
                               ("PATCH", f"{base}/{alice_id}", {"role": "viewer"}),
                               ("DELETE", f"{base}/{alice_id}", None),
                               ("DELETE", f"{base}/pending?email=x%40example.com", None)]:
        status, _, answer = call(srv, method, path, body, token=mallory)
        assert error_of(status, answer, 404, "not_found") == "event not found"
    assert owners(srv, ev["id"]) == [alice_id]


def test_unknown_and_malformed_tokens_are_404(srv):
    alice, _ = user(srv, "alice@example.com")
    ev = create(srv, alice)
    bob, _ = user(srv, "bob@example.com")
    _, token = invite(srv, alice, ev["id"], "bob@example.com")
    unknown = secrets.token_urlsafe(32)
    for bad in [unknown, token[:-1], token + "A", "x" * 5000, token[:-1] + "."]:
        error_of(*preview(srv, bad), 404, "not_found")
        error_of(*accept(srv, bad, bob), 404, "not_found")
    assert preview(srv, token)[0] == 200  # The real one still works.


def test_a_full_team_refuses_more_invites(srv):
    alice, _ = user(srv, "alice@example.com")
    ev = create(srv, alice)
    path = f"/events/{ev['id']}/collaborators"
    for i in range(99):  # Alice plus 99 pending invites: 100.
        status, _, body = call(srv, "POST", path, {"email": f"g{i}@example.com", "role": "viewer"},
                               token=alice)
        assert status == 201, body
    status, _, body = call(srv, "POST", path, {"email": "one-more@example.com", "role": "viewer"},
                           token=alice)
    error_of(status, body, 409, "failed_precondition")
    # Re-inviting a pending address replaces it, so it still fits.
    status, _, body = call(srv, "POST", path, {"email": "g0@example.com", "role": "editor"},
                           token=alice)
    assert status == 201, body
    assert len(team(srv, alice, ev["id"])["pending"]) == 99


@pytest.fixture
def busy_srv(backend):
    """A server with 16 serving threads, so that requests really run at once."""
    s = server_on(backend, "--threads", "16")
    yield s
    stop_and_close(s)


def test_fifty_concurrent_accepts_exactly_one_wins(busy_srv):
    s = busy_srv
    alice, _ = user(s, "alice@example.com")
    ev = create(s, alice)
    bob, bob_id = user(s, "bob@example.com")
    _, token = invite(s, alice, ev["id"], "bob@example.com", "editor")
    barrier = threading.Barrier(50)
    results = [None] * 50

    def run(i):
        barrier.wait()
        results[i] = accept(s, token, bob)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = [r[0] for r in results]
    assert statuses.count(200) == 1, results
    assert statuses.count(410) == 49, results
    members = sql(s, f"SELECT user_id, role FROM event_members WHERE event_id = {int(ev['id'])}"
                     f" AND user_id = {int(bob_id)}")
    assert members == [(bob_id, "editor")]


def test_the_public_preview_is_rate_limited_per_client_ip():
    s = Server(["--threads", "2", "--rate-limit-burst", "2", "--rate-limit-per-minute", "1"])
    s.kind, s.schema = "sqlite", None
    try:
        unknown = secrets.token_urlsafe(32)
        assert [preview(s, unknown)[0] for _ in range(2)] == [404, 404]
        status, headers, body = call(s, "GET", f"/invites/{unknown}")
        error_of(status, body, 429, "rate_limited")
        assert int(headers["retry-after"]) >= 1
        assert s.stop() == 0, s.stderr()
    finally:
        s.close()
