"""End-to-end tests of the account endpoints (/auth/*, /me) of guestguard-server.

Every test runs against SQLite and, when GUESTGUARD_TEST_POSTGRES_URL is set,
against PostgreSQL in a fresh schema (skipped when unset; a failure when CI is
set). Stdlib only; reuses test_http.Server.
"""
import email
import email.policy
import hashlib
import json
import os
import re
import sqlite3
import subprocess
import time

import pytest

from test_http import Server, run_and_expect_exit

PSQL = "/usr/lib/postgresql/15/bin/psql"
PG_URL = os.environ.get("GUESTGUARD_TEST_POSTGRES_URL", "")
PASSWORD = "correct horse battery staple 7f3a"


def psql(url, sql):
    out = subprocess.run([PSQL, url, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql],
                         check=True, capture_output=True, text=True, timeout=30)
    return out.stdout


def call(s, method, path, body=None, token=None, raw=None):
    headers = {}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    data = raw if raw is not None else (json.dumps(body) if body is not None else None)
    if data is not None:
        headers["Content-Type"] = "application/json"
    status, hdrs, payload = s.request(method, path, body=data, headers=headers)
    return status, hdrs, (json.loads(payload) if payload else None)


def request_signup(s, email="alice@example.com", password=PASSWORD, name="Alice"):
    """POST /auth/signup as is: 202 {"status": "verification_sent"} when valid."""
    return call(s, "POST", "/auth/signup", {"email": email, "password": password, "name": name})


VERIFY_LINK = re.compile(r"/console/verify#([A-Za-z0-9_-]{43})")


def mails(s, to=None, kind=None):
    """The .eml files of the server's mail directory, oldest first, as
    email.message objects; only those to `to` and of X-GuestGuard-Type `kind`."""
    out = []
    for name in sorted(os.listdir(s.mail_dir)):
        if not name.endswith(".eml"):
            continue
        with open(os.path.join(s.mail_dir, name), "rb") as f:
            m = email.message_from_binary_file(f, policy=email.policy.default)
        if to is not None and str(m["To"]).strip("<>") != to:
            continue
        if kind is not None and m["X-GuestGuard-Type"] != kind:
            continue
        out.append(m)
    return out


ACCOUNT_MAIL = ("email_verification", "signup_notice")


def sent(s, kind=None):
    """What the server mailed (its mail directory), oldest first, as dicts
    {type, recipient, subject, text}; only `kind` when given, and never the
    account mails (verification, signup notices) unless asked for by kind."""
    out = []
    for m in mails(s):
        record = {"type": m["X-GuestGuard-Type"], "recipient": str(m["To"]).strip("<>"),
                  "subject": str(m["Subject"]), "text": m.get_body(preferencelist=("plain",)).get_content()}
        if kind is None and record["type"] in ACCOUNT_MAIL:
            continue
        if kind is not None and record["type"] != kind:
            continue
        out.append(record)
    return out


def wait_for_mail(s, to, kind, count=1, timeout=20):
    deadline = time.monotonic() + timeout
    while True:
        got = mails(s, to, kind)
        if len(got) >= count:
            return got
        if time.monotonic() > deadline:
            raise AssertionError(f"no {kind} mail to {to} in {s.mail_dir}: {os.listdir(s.mail_dir)}")
        time.sleep(0.05)


def verification_token(s, to, count=1):
    """The token of the newest of `count` verification mails to `to`."""
    body = wait_for_mail(s, to, "email_verification", count)[-1].get_content()
    return VERIFY_LINK.findall(body)[-1]


def db_exec(s, sql, sqlite_args=()):
    """Runs one statement on the server's database (SQLite file or PostgreSQL URL)."""
    if s.database.startswith("sqlite:"):
        with sqlite3.connect(s.database[len("sqlite:"):]) as db:
            db.execute(sql, sqlite_args)
        return
    subprocess.run([PSQL, s.database, "-v", "ON_ERROR_STOP=1", "-c", sql], check=True,
                   capture_output=True, timeout=30)


def mark_verified(s, email_address):
    """Marks the account verified in the database: only for servers whose mail
    a test cannot read (SMTP to a sink the test counts, a closed SMTP port, or
    --notifier off); everywhere else signup() follows the real link."""
    if s.database.startswith("sqlite:"):
        db_exec(s, "UPDATE users SET email_verified_at = ? WHERE email = ?",
                (int(time.time() * 1e6), email_address))
    else:
        db_exec(s, f"UPDATE users SET email_verified_at = now() WHERE email = '{email_address}'")


def lift_account_email_limit(s):
    """Forgets when account emails last went out (one a minute per account)."""
    db_exec(s, "UPDATE users SET account_email_at = NULL")


def signup(s, email="alice@example.com", password=PASSWORD, name="Alice"):
    """Signs up and proves the address the way a person does: reads the
    verification mail from the server's mail directory and follows its link
    (POST /auth/verify). Returns that answer: 200 {token, user}. A refused
    signup's answer is returned as is."""
    status, hdrs, body = request_signup(s, email, password, name)
    if status != 202:
        return status, hdrs, body
    address = email.strip().lower()
    if s.mail_dir is None:
        mark_verified(s, address)
        return call(s, "POST", "/auth/login", {"email": address, "password": password})
    return call(s, "POST", "/auth/verify", {"token": verification_token(s, address)})


def error_of(status, body, want_status, want_code):
    assert status == want_status, body
    assert body["error"]["code"] == want_code
    return body["error"]["message"]


def db_dump(s):
    """Every users and sessions row as text, plus the password hashes."""
    if s.kind == "sqlite":
        with sqlite3.connect(s.sqlite_path) as db:
            users = db.execute("SELECT id, email, name, password_hash, created_at FROM users")
            users = users.fetchall()
            sessions = db.execute(
                "SELECT token_hash, user_id, created_at, expires_at FROM sessions").fetchall()
        return [str(r) for r in users + sessions], [r[3] for r in users]
    users = psql(PG_URL, f"SELECT id, email, name, password_hash, created_at FROM {s.schema}.users")
    sessions = psql(PG_URL, f"SELECT * FROM {s.schema}.sessions")
    rows = [line for line in (users + sessions).splitlines() if line]
    hashes = [line.split("|")[3] for line in users.splitlines() if line]
    return rows, hashes


def test_signup_login_me_logout(srv):
    status, hdrs, body = request_signup(srv)
    assert status == 202 and body == {"status": "verification_sent"}, body
    assert hdrs["cache-control"] == "no-store"
    # Unverified: no session yet, and the answer of a wrong password.
    status, _, err = call(srv, "POST", "/auth/login",
                          {"email": "alice@example.com", "password": PASSWORD})
    error_of(status, err, 401, "unauthenticated")
    status, hdrs, body = call(srv, "POST", "/auth/verify",
                              {"token": verification_token(srv, "alice@example.com")})
    assert status == 200, body
    assert hdrs["content-type"].startswith("application/json")
    assert set(body) == {"token", "user"}
    assert isinstance(body["token"], str) and len(body["token"]) == 43
    user = body["user"]
    assert set(user) == {"id", "email", "name", "email_verified"}
    assert isinstance(user["id"], str) and user["id"]
    assert user["email"] == "alice@example.com" and user["name"] == "Alice"
    assert user["email_verified"] is True

    status, _, me = call(srv, "GET", "/me", token=body["token"])
    assert status == 200 and me == user

    status, _, login = call(srv, "POST", "/auth/login",
                            {"email": "alice@example.com", "password": PASSWORD})
    assert status == 200, login
    assert set(login) == {"token", "user"} and login["user"] == user
    assert login["token"] != body["token"]

    status, _, me = call(srv, "GET", "/me", token=login["token"])
    assert status == 200 and me == user

    status, _, payload = call(srv, "POST", "/auth/logout", token=login["token"])
    assert status == 204 and payload is None
    status, hdrs, err = call(srv, "GET", "/me", token=login["token"])
    error_of(status, err, 401, "unauthenticated")
    assert hdrs.get("www-authenticate") == "Bearer"
    status, _, err = call(srv, "POST", "/auth/logout", token=login["token"])
    error_of(status, err, 401, "unauthenticated")
    # The signup session is still valid.
    assert call(srv, "GET", "/me", token=body["token"])[0] == 200


def test_me_without_or_with_bad_token_is_401(srv):
    error_of(*call(srv, "GET", "/me")[::2], 401, "unauthenticated")
    error_of(*call(srv, "GET", "/me", token="A" * 43)[::2], 401, "unauthenticated")
    error_of(*call(srv, "GET", "/me", token="not a token!")[::2], 401, "unauthenticated")
    status, _, payload = srv.request("GET", "/me", headers={"Authorization": "Basic Zm9vOmJhcg=="})
    error_of(status, json.loads(payload), 401, "unauthenticated")


def test_signup_does_not_tell_whether_an_account_exists(srv):
    first = request_signup(srv)
    assert first[0] == 202
    assert call(srv, "POST", "/auth/verify",
                {"token": verification_token(srv, "alice@example.com")})[0] == 200
    # Within the minute, nothing more goes to the same account.
    assert request_signup(srv, email="alice@example.com", name="Other")[0] == 202
    time.sleep(0.5)
    assert mails(srv, "alice@example.com", "signup_notice") == []
    lift_account_email_limit(srv)
    again = request_signup(srv, email="  ALICE@example.com ", password="another password 99",
                           name="Other")
    fresh = request_signup(srv, email="bob@example.com", name="Bob")
    assert again[0] == fresh[0] == first[0] == 202
    assert again[2] == fresh[2] == first[2] == {"status": "verification_sent"}
    # The mail says what happened: a link for the new address, a notice for
    # the existing one (which keeps its password and name).
    [notice] = wait_for_mail(srv, "alice@example.com", "signup_notice")
    text = notice.get_content()
    assert "already has one" in text and "/console/signin" in text and "no password reset" in text
    assert not VERIFY_LINK.search(text)
    assert verification_token(srv, "bob@example.com")
    status, _, login = call(srv, "POST", "/auth/login",
                            {"email": "alice@example.com", "password": PASSWORD})
    assert status == 200 and login["user"]["name"] == "Alice"
    error_of(*call(srv, "POST", "/auth/login", {"email": "alice@example.com",
                                               "password": "another password 99"})[::2],
             401, "unauthenticated")


@pytest.mark.parametrize("body,field", [
    ({"email": "nope", "password": PASSWORD, "name": "A"}, "email"),
    ({"email": "a@b@example.com", "password": PASSWORD, "name": "A"}, "email"),
    ({"email": "@example.com", "password": PASSWORD, "name": "A"}, "email"),
    ({"email": "a@localhost", "password": PASSWORD, "name": "A"}, "email"),
    ({"email": "a" * 250 + "@x.io", "password": PASSWORD, "name": "A"}, "email"),
    ({"password": PASSWORD, "name": "A"}, "email"),
    ({"email": 7, "password": PASSWORD, "name": "A"}, "email"),
    ({"email": "a@example.com", "password": "short", "name": "A"}, "password"),
    ({"email": "a@example.com", "password": "x" * 129, "name": "A"}, "password"),
    ({"email": "a@example.com", "name": "A"}, "password"),
    ({"email": "a@example.com", "password": PASSWORD}, "name"),
    ({"email": "a@example.com", "password": PASSWORD, "name": ""}, "name"),
    ({"email": "a@example.com", "password": PASSWORD, "name": "n" * 101}, "name"),
])
def test_signup_validation_names_the_field(srv, body, field):
    status, _, err = call(srv, "POST", "/auth/signup", body)
    message = error_of(status, err, 400, "invalid_argument")
    assert field in message


@pytest.mark.parametrize("path", ["/auth/signup", "/auth/login", "/auth/verify",
                                  "/auth/verify/resend"])
def test_body_must_be_json_object(srv, path):
    for raw in ["[1, 2]", "\"x\"", "42", "null"]:
        status, _, err = call(srv, "POST", path, raw=raw)
        assert "object" in error_of(status, err, 400, "invalid_argument")
    for raw in ["{", "", "{\"email\": }", "not json"]:
        status, _, err = call(srv, "POST", path, raw=raw)
        error_of(status, err, 400, "invalid_json")


def test_wrong_password_unknown_email_and_unverified_answer_identically(srv):
    assert signup(srv)[0] == 200
    assert request_signup(srv, email="carol@example.com", name="Carol")[0] == 202
    wrong = call(srv, "POST", "/auth/login",
                 {"email": "alice@example.com", "password": "wrong password 123"})
    unknown = call(srv, "POST", "/auth/login",
                   {"email": "nobody@example.com", "password": "wrong password 123"})
    unverified = call(srv, "POST", "/auth/login",
                      {"email": "carol@example.com", "password": PASSWORD})
    assert wrong[0] == unknown[0] == unverified[0] == 401
    assert wrong[2] == unknown[2] == unverified[2] == {
        "error": {"code": "unauthenticated", "message": "wrong email or password (a new account"
                  " signs in once its email address is verified)"}}


def test_email_is_normalised(srv):
    status, _, body = signup(srv, email=" Alice@Example.COM ")
    assert status == 200 and body["user"]["email"] == "alice@example.com"
    status, _, login = call(srv, "POST", "/auth/login",
                            {"email": "alice@example.com", "password": PASSWORD})
    assert status == 200 and login["user"]["email"] == "alice@example.com"
    status, _, login = call(srv, "POST", "/auth/login",
                            {"email": "  ALICE@EXAMPLE.com", "password": PASSWORD})
    assert status == 200 and login["user"]["id"] == body["user"]["id"]


def test_secrets_never_reach_the_log(srv):
    status, _, body = signup(srv)
    assert status == 200
    link_token = VERIFY_LINK.findall(mails(srv, "alice@example.com")[0].get_content())[0]
    status, _, login = call(srv, "POST", "/auth/login",
                            {"email": "alice@example.com", "password": PASSWORD})
    assert status == 200
    call(srv, "POST", "/auth/login", {"email": "alice@example.com", "password": PASSWORD + "x"})
    call(srv, "POST", "/auth/signup", {"email": "bad", "password": PASSWORD, "name": "A"})
    call(srv, "GET", "/me", token=login["token"])
    call(srv, "POST", "/auth/logout", token=login["token"])
    assert srv.stop() == 0
    log = srv.stderr()
    assert "request" in log  # The log is there at all.
    assert PASSWORD not in log
    assert body["token"] not in log and login["token"] not in log
    assert link_token not in log
    assert "$argon2id$" not in log


def session_count(s):
    if s.kind == "sqlite":
        with sqlite3.connect(s.sqlite_path) as db:
            return db.execute("SELECT count(*) FROM sessions").fetchone()[0]
    return int(psql(PG_URL, f"SELECT count(*) FROM {s.schema}.sessions"))


def test_sessions_per_user_are_bounded_and_expired_ones_swept(srv):
    status, _, first = signup(srv)
    assert status == 200
    tokens = [first["token"]]
    for _ in range(20):  # kMaxSessionsPerUser = 20: the 21st sign-in ends the oldest.
        status, _, body = call(srv, "POST", "/auth/login",
                               {"email": "alice@example.com", "password": PASSWORD})
        assert status == 200, body
        tokens.append(body["token"])
    assert session_count(srv) == 20
    assert call(srv, "GET", "/me", token=tokens[0])[0] == 401
    assert all(call(srv, "GET", "/me", token=t)[0] == 200 for t in tokens[1:])

    # Expire every session in the database; the next sign-in sweeps them.
    sql = "UPDATE sessions SET expires_at = created_at"
    if srv.kind == "sqlite":
        with sqlite3.connect(srv.sqlite_path) as db:
            db.execute(sql)
    else:
        psql(PG_URL, f"SET search_path = {srv.schema}; {sql}")
    assert call(srv, "GET", "/me", token=tokens[-1])[0] == 401
    status, _, body = call(srv, "POST", "/auth/login",
                           {"email": "alice@example.com", "password": PASSWORD})
    assert status == 200 and session_count(srv) == 1


def test_database_holds_only_hashes(srv):
    status, _, body = signup(srv)
    assert status == 200
    status, _, login = call(srv, "POST", "/auth/login",
                            {"email": "alice@example.com", "password": PASSWORD})
    assert status == 200
    assert srv.stop() == 0
    rows, hashes = db_dump(srv)
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    text = "\n".join(rows)
    assert PASSWORD not in text
    for token in (body["token"], login["token"]):
        assert token not in text
        assert hashlib.sha256(token.encode()).hexdigest() in text


def test_signup_and_login_are_rate_limited_per_ip():
    s = Server(["--auth-rate-limit-burst", "2", "--auth-rate-limit-per-minute", "2"])
    try:
        status, _, body = signup(s)  # Signup and its verification: the burst.
        assert status == 200, body
        login = {"email": "alice@example.com", "password": PASSWORD}
        status, headers, body = call(s, "POST", "/auth/login", login)  # The 3rd: over the burst.
        error_of(status, body, 429, "rate_limited")
        assert int(headers["retry-after"]) >= 1
        status, _, body = request_signup(s, email="bob@example.com", name="Bob")
        error_of(status, body, 429, "rate_limited")
        assert s.request("GET", "/healthz")[0] == 200  # Other endpoints are unaffected.
    finally:
        assert s.stop() == 0, s.stderr()
        s.close()


@pytest.mark.parametrize("args", [["--auth-rate-limit-burst", "0"],
                                  ["--auth-rate-limit-per-minute", "1000001"],
                                  ["--auth-rate-limit-burst", "x"]])
def test_invalid_auth_rate_limits_exit_2(args):
    code, err = run_and_expect_exit(args)
    assert code == 2
    assert args[0] in err


def test_invalid_auth_rate_limit_env_exits_2():
    code, err = run_and_expect_exit([], env={"GUESTGUARD_AUTH_RATE_LIMIT_PER_MINUTE": "0"})
    assert code == 2
    assert "GUESTGUARD_AUTH_RATE_LIMIT_PER_MINUTE" in err
