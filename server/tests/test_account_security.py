"""Issue 15 items 2, 7 and 13 (signup), end to end: email verification, the
masked invite preview and the refused leaked-invite attack, sessions (idle
and absolute timeouts, sign out everywhere, password change) and monitor
WebSockets closed when access goes away.

Parametrised over SQLite and PostgreSQL like test_accounts.py. Mail is read
from the server's mail directory (--mail-dir, set by test_http.Server).
"""
import time
import urllib.parse

import pytest

from test_accounts import (PASSWORD, VERIFY_LINK, call, db_exec, error_of, lift_account_email_limit,
                           mails, request_signup, sent, verification_token, wait_for_mail)
from test_collaborators import LINK, sql
from test_events import create, user
from ws_client import Closed, WebSocket


def invite(s, owner, event_id, email, role):
    status, _, body = call(s, "POST", f"/events/{event_id}/collaborators",
                           {"email": email, "role": role}, token=owner)
    assert status == 201, body
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for note in sent(s, "collaborator_invite"):
            if note["recipient"] == email:
                return LINK.findall(note["text"])[0]
        time.sleep(0.05)
    raise AssertionError(f"no invite mail to {email}")


def now_sql(s):
    return str(int(time.time() * 1e6)) if s.kind == "sqlite" else "now()"


# --- Item 2: the leaked invite link (reproduced in the issue) is refused ----

def test_a_leaked_invite_link_no_longer_makes_an_owner(servers):
    s = servers()
    owner, _ = user(s, "host@example.com")
    ev = create(s, owner)
    token = invite(s, owner, ev["id"], "carol@example.com", "owner")

    # The attacker holds the link. The preview no longer names the address.
    status, _, preview = call(s, "GET", f"/invites/{token}")
    assert status == 200 and preview["email"] == "c\u2022\u2022\u2022@example.com", preview
    assert preview["role"] == "owner"

    # Signing up as the bound address gives no session (the link goes to Carol's mailbox) ...
    status, _, body = request_signup(s, "carol@example.com", "attacker password 1234", "Mallory")
    assert status == 202 and body == {"status": "verification_sent"}
    assert "token" not in body
    status, _, err = call(s, "POST", "/auth/login",
                          {"email": "carol@example.com", "password": "attacker password 1234"})
    error_of(status, err, 401, "unauthenticated")
    # ... and an account signed in without a verified address (one from before
    # verification existed) is refused with a code the console acts on.
    status, _, session = call(s, "POST", "/auth/verify",
                              {"token": verification_token(s, "carol@example.com")})
    assert status == 200
    db_exec(s, "UPDATE users SET email_verified_at = NULL WHERE email = 'carol@example.com'")
    status, _, me = call(s, "GET", "/me", token=session["token"])
    assert status == 200 and me["email_verified"] is False
    status, _, err = call(s, "POST", f"/invites/{token}/accept", token=session["token"])
    assert "verify your email address" in error_of(status, err, 403, "email_unverified")
    assert sql(s, f"SELECT role FROM event_members WHERE event_id = {int(ev['id'])}") == \
        [("owner",)]
    assert call(s, "GET", f"/invites/{token}")[0] == 200  # The invite stays usable.

    # Carol proves the address (a fresh link: the first one was used) and accepts.
    lift_account_email_limit(s)
    assert call(s, "POST", "/auth/verify/resend", {"email": "carol@example.com"})[0] == 202
    status, _, verified = call(s, "POST", "/auth/verify",
                               {"token": verification_token(s, "carol@example.com", count=2)})
    assert status == 200 and verified["user"]["email_verified"] is True
    status, _, body = call(s, "POST", f"/invites/{token}/accept", token=verified["token"])
    assert status == 200 and body["role"] == "owner", body


def test_the_preview_masks_every_address_shape(servers):
    s = servers()
    owner, _ = user(s, "host@example.com")
    ev = create(s, owner)
    for email, masked in [("z@example.com", "z\u2022\u2022\u2022@example.com"),
                          ("bob.smith@mail.example.org", "b\u2022\u2022\u2022@mail.example.org")]:
        token = invite(s, owner, ev["id"], email, "viewer")
        status, _, preview = call(s, "GET", f"/invites/{token}")
        assert status == 200 and preview["email"] == masked, preview


# --- Item 2: the verification link --------------------------------------------

def test_a_verification_link_works_once_and_expires(servers):
    s = servers()
    assert request_signup(s, "dave@example.com", PASSWORD, "Dave")[0] == 202
    link_token = verification_token(s, "dave@example.com")
    [mail] = mails(s, "dave@example.com", "email_verification")
    assert str(mail["Subject"]) == "Verify your email address for GuestGuard"
    assert f"http://127.0.0.1:{s.port}/console/verify#{link_token}" in mail.get_content()

    status, _, body = call(s, "POST", "/auth/verify", {"token": link_token})
    assert status == 200 and body["user"]["email"] == "dave@example.com"
    status, _, err = call(s, "POST", "/auth/verify", {"token": link_token})
    assert "already been used" in error_of(status, err, 410, "gone")
    error_of(*call(s, "POST", "/auth/verify", {"token": "B" * 43})[::2], 404, "not_found")
    error_of(*call(s, "POST", "/auth/verify", {"token": "short"})[::2], 404, "not_found")
    error_of(*call(s, "POST", "/auth/verify", {"token": 7})[::2], 400, "invalid_argument")

    # An expired link (24 h; moved back in the database) is refused, and no session is made.
    assert request_signup(s, "erin@example.com", PASSWORD, "Erin")[0] == 202
    old = verification_token(s, "erin@example.com")
    db_exec(s, "UPDATE email_verifications SET expires_at = created_at WHERE used_at IS NULL")
    status, _, err = call(s, "POST", "/auth/verify", {"token": old})
    assert "expired" in error_of(status, err, 410, "gone")
    assert sql(s, "SELECT COUNT(*) FROM users WHERE email = 'erin@example.com'"
                  " AND email_verified_at IS NULL") == [("1",)]

    # Only hashes and sealed text at rest: the token is in no table.
    dump = [str(r) for table in ("users", "sessions", "email_verifications", "guard_outbox",
                                 "notifications")
            for r in sql(s, f"SELECT * FROM {table}")]
    assert dump and not any(link_token in row or old in row for row in dump)
    assert link_token not in s.stderr() and old not in s.stderr()


def test_resend_answers_alike_and_mails_only_unverified_accounts(servers):
    s = servers()
    user(s, "verified@example.com")
    assert request_signup(s, "pending@example.com", PASSWORD, "P")[0] == 202
    wait_for_mail(s, "pending@example.com", "email_verification")
    lift_account_email_limit(s)
    answers = [call(s, "POST", "/auth/verify/resend", {"email": e})
               for e in ("verified@example.com", "pending@example.com", "nobody@example.com")]
    assert {a[0] for a in answers} == {202}
    assert all(a[2] == {"status": "verification_sent"} for a in answers)
    wait_for_mail(s, "pending@example.com", "email_verification", count=2)
    # Within the minute: no third mail, same answer.
    assert call(s, "POST", "/auth/verify/resend", {"email": "pending@example.com"})[0] == 202
    time.sleep(1)
    assert len(mails(s, "pending@example.com")) == 2
    assert len(mails(s, "verified@example.com")) == 1 and mails(s, "nobody@example.com") == []
    error_of(*call(s, "POST", "/auth/verify/resend", {"email": "nope"})[::2], 400,
             "invalid_argument")


def test_signing_in_unverified_mails_a_fresh_link_and_the_link_signs_in(servers):
    s = servers()
    assert request_signup(s, "fay@example.com", PASSWORD, "Fay")[0] == 202
    wait_for_mail(s, "fay@example.com", "email_verification")
    lift_account_email_limit(s)
    status, _, err = call(s, "POST", "/auth/login",
                          {"email": "fay@example.com", "password": PASSWORD})
    error_of(status, err, 401, "unauthenticated")
    newest = verification_token(s, "fay@example.com", count=2)
    status, _, body = call(s, "POST", "/auth/verify", {"token": newest})
    assert status == 200 and call(s, "GET", "/me", token=body["token"])[0] == 200
    # Verifying used up the older link too.
    first = VERIFY_LINK.findall(mails(s, "fay@example.com")[0].get_content())[0]
    assert call(s, "POST", "/auth/verify", {"token": first})[0] == 410


# --- Item 7: sessions ----------------------------------------------------------

def test_an_idle_session_ends_but_a_used_one_lives(servers):
    s = servers("--session-idle-timeout-ms", "1500")
    token, _ = user(s, "ida@example.com")
    for _ in range(6):  # 3 s of use, twice the idle timeout.
        assert call(s, "GET", "/me", token=token)[0] == 200
        time.sleep(0.5)
    time.sleep(2)
    error_of(*call(s, "GET", "/me", token=token)[::2], 401, "unauthenticated")
    assert sql(s, "SELECT COUNT(*) FROM sessions") == [("0",)]  # Deleted, not just refused.


def test_last_seen_is_written_at_most_once_a_minute(servers):
    s = servers()
    token, _ = user(s, "lee@example.com")
    before = sql(s, "SELECT last_seen_at FROM sessions")
    for _ in range(5):
        assert call(s, "GET", "/me", token=token)[0] == 200
    assert sql(s, "SELECT last_seen_at FROM sessions") == before


def test_a_session_ends_at_its_absolute_lifetime_even_in_use(servers):
    s = servers("--session-lifetime-ms", "2000")
    token, _ = user(s, "abe@example.com")
    deadline = time.monotonic() + 10
    while call(s, "GET", "/me", token=token)[0] == 200:
        assert time.monotonic() < deadline, "the session never ended"
        time.sleep(0.2)
    error_of(*call(s, "GET", "/me", token=token)[::2], 401, "unauthenticated")


def test_sign_out_everywhere_ends_every_session(servers):
    s = servers()
    first, _ = user(s, "eve@example.com")
    status, _, second = call(s, "POST", "/auth/login",
                             {"email": "eve@example.com", "password": PASSWORD})
    assert status == 200
    other, _ = user(s, "otto@example.com")
    status, _, body = call(s, "POST", "/auth/logout-everywhere", token=second["token"])
    assert status == 204 and body is None
    for t in (first, second["token"]):
        error_of(*call(s, "GET", "/me", token=t)[::2], 401, "unauthenticated")
    assert call(s, "GET", "/me", token=other)[0] == 200  # Another account is untouched.
    error_of(*call(s, "POST", "/auth/logout-everywhere")[::2], 401, "unauthenticated")


def test_changing_the_password_ends_every_other_session(servers):
    s = servers()
    this, _ = user(s, "pat@example.com")
    status, _, other = call(s, "POST", "/auth/login",
                            {"email": "pat@example.com", "password": PASSWORD})
    assert status == 200
    new = "a new and longer password"
    status, _, err = call(s, "POST", "/auth/password", {"current": "not it at all", "new": new},
                          token=this)
    assert "current password" in error_of(status, err, 403, "permission_denied")
    status, _, err = call(s, "POST", "/auth/password", {"current": PASSWORD, "new": "elevenchars"},
                          token=this)
    assert "new password must be 12" in error_of(status, err, 400, "invalid_argument")
    error_of(*call(s, "POST", "/auth/password", {"current": PASSWORD}, token=this)[::2], 400,
             "invalid_argument")
    error_of(*call(s, "POST", "/auth/password", {"current": PASSWORD, "new": new})[::2], 401,
             "unauthenticated")
    assert call(s, "GET", "/me", token=other["token"])[0] == 200  # Refusals changed nothing.

    status, _, body = call(s, "POST", "/auth/password", {"current": PASSWORD, "new": new},
                           token=this)
    assert status == 204 and body is None
    assert call(s, "GET", "/me", token=this)[0] == 200
    error_of(*call(s, "GET", "/me", token=other["token"])[::2], 401, "unauthenticated")
    assert call(s, "POST", "/auth/login", {"email": "pat@example.com", "password": new})[0] == 200
    assert call(s, "POST", "/auth/login",
                {"email": "pat@example.com", "password": PASSWORD})[0] == 401
    assert PASSWORD not in s.stderr() and new not in s.stderr()


# --- Item 7: monitor WebSockets follow access ----------------------------------

def open_monitor(s, token, event_id):
    status, _, body = call(s, "POST", f"/events/{event_id}/ws-ticket", token=token)
    assert status == 201, body
    path = f"/events/{event_id}/monitor?" + urllib.parse.urlencode({"ticket": body["ticket"]})
    return WebSocket(s.port, path)


def closed_within(ws, seconds):
    """The close code the server sends, and how long it took (at most `seconds`)."""
    started = time.monotonic()
    ws.sock.settimeout(seconds)
    with pytest.raises(Closed) as info:
        while True:
            ws.recv()
    return info.value.code, info.value.reason, time.monotonic() - started


def test_the_monitor_closes_when_the_role_is_removed(servers):
    s = servers()  # The default re-check interval (3 s).
    owner, _ = user(s, "olga@example.com")
    viewer, viewer_id = user(s, "vic@example.com")
    ev = create(s, owner)
    token = invite(s, owner, ev["id"], "vic@example.com", "viewer")
    assert call(s, "POST", f"/invites/{token}/accept", token=viewer)[0] == 200
    watching = open_monitor(s, viewer, ev["id"])
    owners_view = open_monitor(s, owner, ev["id"])
    status, _, _ = call(s, "DELETE", f"/events/{ev['id']}/collaborators/{viewer_id}",
                        token=owner)
    assert status == 204
    code, reason, took = closed_within(watching, 8)
    assert code == 4403 and reason == "access removed" and took < 6.5, (code, reason, took)
    # The owner's socket stays open.
    owners_view.sock.settimeout(1)
    with pytest.raises(TimeoutError):
        owners_view.recv()
    owners_view.close()


def test_the_monitor_closes_when_the_session_ends_everywhere(servers):
    s = servers("--monitor-recheck-ms", "500")
    owner, _ = user(s, "oona@example.com")
    ev = create(s, owner)
    watching = open_monitor(s, owner, ev["id"])
    status, _, other = call(s, "POST", "/auth/login",
                            {"email": "oona@example.com", "password": PASSWORD})
    assert status == 200
    assert call(s, "POST", "/auth/logout-everywhere", token=other["token"])[0] == 204
    code, reason, took = closed_within(watching, 5)
    assert code == 4401 and reason == "session ended" and took < 2.5, (code, reason, took)
    log = s.log_lines()
    assert any(r["msg"] == "monitor closed: access re-checked" and r["code"] == 4401
               for r in log)


@pytest.mark.parametrize("args", [["--session-idle-timeout-ms", "0"],
                                  ["--monitor-recheck-ms", "5"],
                                  ["--mail-dir", "/nonexistent/dir"],
                                  ["--mail-dir", "/tmp", "--smtp-url", "smtp://127.0.0.1:25"]])
def test_invalid_session_and_mail_flags_exit_2(args):
    from test_http import run_and_expect_exit
    code, err = run_and_expect_exit(args)
    assert code == 2 and args[0] in err, err


def test_the_mail_dir_is_refused_in_production():
    from test_http import run_and_expect_exit
    import base64
    import os
    spec = "k1:" + base64.b64encode(os.urandom(32)).decode()
    code, err = run_and_expect_exit(["--env", "production", "--mail-dir", "/tmp"],
                                    env={"GUESTGUARD_KEYRING": spec})
    assert code == 2 and "development sink" in err, err
