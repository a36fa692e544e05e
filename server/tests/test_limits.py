"""Resource limits (issue 15, items 3, 4, 5, 9, 12 and 13's ws-ticket limit):
connection caps and descriptor exhaustion, login throttling, per-account write
limits, notification abuse, the log sender in production, link expiry and
access-log retention.

Stdlib only; reuses test_http.Server. Database-dependent tests run on SQLite
and PostgreSQL (the `backend` fixture of conftest.py).
"""
import os
import resource
import socket
import time

from test_http import Server, TIMEOUT


def cpu_seconds(pid):
    """utime + stime of a process, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def is_closed_by_server(sock, wait=2.0):
    """True when the server closes `sock` without a byte (EOF or reset)."""
    sock.settimeout(wait)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def open_connections(s, n):
    return [socket.create_connection(("127.0.0.1", s.port), timeout=TIMEOUT) for _ in range(n)]


def healthz_on(sock):
    """True when GET /healthz on the kept-alive `sock` answers 200 (the whole
    answer is read, so the socket can ask again)."""
    try:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        sock.settimeout(TIMEOUT)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                return False
            data += chunk
        head, body = data.split(b"\r\n\r\n", 1)
        length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:"))
        while len(body) < length:
            chunk = sock.recv(4096)
            if not chunk:
                return False
            body += chunk
        return head.startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def held_connections(s, n):
    """`n` connections the server answered on (so each holds a slot). One may
    be refused while the slot of an earlier, closed connection (the start-up
    health check) is still being released: retried."""
    held = []
    deadline = time.monotonic() + TIMEOUT
    while len(held) < n:
        c = socket.create_connection(("127.0.0.1", s.port), timeout=TIMEOUT)
        if healthz_on(c):
            held.append(c)
            continue
        c.close()
        assert time.monotonic() < deadline, s.stderr()
        time.sleep(0.1)
    return held


def test_connections_over_the_per_address_cap_are_closed_on_arrival():
    s = Server(["--threads", "2", "--max-connections-per-address", "4",
                "--header-timeout-ms", "30000"])
    try:
        kept = held_connections(s, 4)
        extra = open_connections(s, 2)
        assert all(is_closed_by_server(c) for c in extra)
        assert all(healthz_on(c) for c in kept)  # The four still work.
        for c in extra:
            c.close()
        kept.pop().close()
        time.sleep(0.2)
        again = held_connections(s, 1)[0]  # A freed slot is reused.
        again.close()
        for c in kept:
            c.close()
        assert any(line.get("msg", "").startswith("per-address connection cap reached")
                   for line in s.log_lines())
        assert s.stop() == 0, s.stderr()
    finally:
        s.close()


def test_connections_over_the_total_cap_are_closed_on_arrival():
    s = Server(["--threads", "2", "--max-connections", "3", "--header-timeout-ms", "30000"])
    try:
        kept = held_connections(s, 3)
        extra = open_connections(s, 1)[0]
        assert is_closed_by_server(extra)
        extra.close()
        for c in kept:
            c.close()
        time.sleep(0.2)
        assert s.request("GET", "/healthz")[0] == 200
        assert s.stop() == 0, s.stderr()
    finally:
        s.close()


def test_the_server_neither_spins_nor_stops_answering_when_out_of_descriptors():
    """Fault 3: with few descriptors left, accept fails with EMFILE; the loop
    backs off (CPU stays low) and /healthz answers once the clients leave."""
    s = Server(["--threads", "2"])
    clients = []
    try:
        pid = s.proc.pid
        in_use = len(os.listdir(f"/proc/{pid}/fd"))
        limit = in_use + 16
        resource.prlimit(pid, resource.RLIMIT_NOFILE, (limit, limit))
        # More connections than descriptors: the kernel completes the handshakes
        # (backlog); the server accepts 16 and then gets EMFILE.
        clients = open_connections(s, 60)
        time.sleep(0.5)
        before = cpu_seconds(pid)
        time.sleep(2.0)
        used = cpu_seconds(pid) - before
        assert used < 0.3, f"the server used {used:.2f} s of CPU in 2 s while saturated"
        assert any(line.get("msg", "").startswith("accept: out of file descriptors")
                   for line in s.log_lines()), s.stderr()
        for c in clients:
            c.close()
        clients = []
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                if s.request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, s.stderr()
            time.sleep(0.1)
        assert any(line.get("msg") == "accepting connections again" for line in s.log_lines())
        assert s.stop() == 0, s.stderr()
    finally:
        for c in clients:
            c.close()
        s.close()


def test_the_soft_descriptor_limit_is_raised_to_the_hard_limit_at_start():
    s = Server(["--threads", "2"])
    try:
        soft, hard = resource.prlimit(s.proc.pid, resource.RLIMIT_NOFILE)
        assert soft == hard or hard == resource.RLIM_INFINITY
        started = [line for line in s.log_lines() if line.get("msg") == "file descriptor limit"]
        assert started and started[0]["soft"] == soft, s.stderr()
        assert s.stop() == 0, s.stderr()
    finally:
        s.close()


def test_production_refuses_the_log_sender_unless_allowed():
    """Fault 9: no --smtp-url in production is exit 2 naming the way out."""
    from test_http import run_and_expect_exit
    keyring = {"GUESTGUARD_KEYRING": "k1:" + "A" * 43 + "="}
    code, err = run_and_expect_exit(["--env", "production"], env=keyring)
    assert code == 2 and "--allow-log-sender" in err and "--smtp-url" in err, err


def test_the_log_sender_redacts_link_tokens_in_production():
    """Fault 9: with --allow-log-sender the log says an email went, never its link."""
    from test_events import create, user
    from test_guests import add_guest
    from test_accounts import call
    s = Server(["--env", "production", "--threads", "2"],
               env={"GUESTGUARD_KEYRING": "k1:" + "A" * 43 + "=",
                    "GUESTGUARD_ALLOW_LOG_SENDER": "on"})
    try:
        owner, _ = user(s, "owner@example.com")
        ev = create(s, owner)
        g = add_guest(s, owner, ev["id"], name="Grace", email="grace@example.com")
        status, _, answer = call(s, "POST", f"/events/{ev['id']}/invitations",
                                 {"guest_ids": [g["id"]]}, token=owner)
        assert status == 202, answer
        status, _, answer = call(s, "POST", f"/events/{ev['id']}/collaborators",
                                 {"email": "bob@example.com", "role": "editor"}, token=owner)
        assert status in (200, 201), answer
        deadline = time.monotonic() + TIMEOUT
        while True:
            notes = [r for r in s.log_lines() if r.get("msg") == "notification"
                     and r.get("type") not in ("email_verification", "signup_notice")]
            if len(notes) >= 2:
                break
            assert time.monotonic() < deadline, s.stderr()
            time.sleep(0.1)
        texts = "\n".join(n["text"] for n in notes)
        assert "/rsvp/[redacted]" in texts and "/invites/[redacted]" in texts, texts
        assert "gg1." not in s.stderr()
        assert s.stop() == 0, s.stderr()
    finally:
        s.close()


# --- Accounts: login throttling, the Argon2 pool, per-account limits -------------------------

def test_failed_logins_are_throttled_per_account_with_a_growing_delay():
    """Fault 4: after N failures each attempt waits 1, 2, ... s (429), whatever
    the IP; a success resets; failures are logged with the email only."""
    from test_accounts import PASSWORD, call, signup
    s = Server(["--threads", "2", "--login-max-failures", "2"])
    try:
        assert signup(s, "alice@example.com")[0] == 200
        wrong = {"email": "Alice@Example.com", "password": "not the password at all"}
        right = {"email": "alice@example.com", "password": PASSWORD}
        assert [call(s, "POST", "/auth/login", wrong)[0] for _ in range(2)] == [401, 401]
        status, hdrs, body = call(s, "POST", "/auth/login", right)  # Even the right one waits.
        assert status == 429 and hdrs["retry-after"] == "1", body
        assert body["error"]["code"] == "rate_limited"
        assert call(s, "POST", "/auth/login", {**wrong, "email": "bob@example.com"})[0] == 401
        time.sleep(1.1)
        assert call(s, "POST", "/auth/login", wrong)[0] == 401
        status, hdrs, _ = call(s, "POST", "/auth/login", right)
        assert status == 429 and hdrs["retry-after"] == "2"
        time.sleep(2.1)
        assert call(s, "POST", "/auth/login", right)[0] == 200
        assert call(s, "POST", "/auth/login", wrong)[0] == 401  # Reset: no wait after one.
        assert call(s, "POST", "/auth/login", right)[0] == 200
        failed = [r for r in s.log_lines() if r.get("msg") == "login failed"]
        assert {r["email"] for r in failed} == {"alice@example.com", "bob@example.com"}
        assert any(r.get("msg") == "login throttled" for r in s.log_lines())
        assert "not the password" not in s.stderr()
        assert s.stop() == 0, s.stderr()
    finally:
        s.close()


def test_a_login_flood_fails_fast_and_leaves_the_server_answering():
    """Fault 4: Argon2 runs on a pool of one thread per core with as many
    waiting; beyond that a login is 503 at once, and /healthz still answers."""
    import threading
    from test_accounts import call, signup
    cores = os.cpu_count() or 1
    threads = min(2 * cores + 6, 256)  # More serving threads than the pool holds.
    s = Server(["--threads", str(threads)])
    try:
        assert signup(s, "alice@example.com")[0] == 200
        results = []

        def login():
            status, _, body = call(s, "POST", "/auth/login",
                                   {"email": "alice@example.com", "password": "x" * 20})
            results.append((status, body))
        flood = [threading.Thread(target=login) for _ in range(threads * 2)]
        for t in flood:
            t.start()
        started = time.monotonic()
        assert s.request("GET", "/healthz")[0] == 200
        healthz = time.monotonic() - started
        for t in flood:
            t.join()
        statuses = sorted(status for status, _ in results)
        assert set(statuses) <= {401, 503}, statuses
        assert 503 in statuses, statuses  # Fail-fast, not a queue on the serving threads.
        assert all(b["error"]["code"] == "unavailable" for st, b in results if st == 503)
        assert healthz < 1.0, f"/healthz took {healthz:.2f} s during the flood"
        assert s.stop() == 0, s.stderr()
    finally:
        s.close()


def test_every_authenticated_write_is_rate_limited_per_account():
    """Fault 5: a token bucket per account on POST/PUT/PATCH/DELETE; reads and
    other accounts are unaffected."""
    from test_events import create, user
    from test_accounts import call
    s = Server(["--threads", "2", "--account-rate-limit-burst", "3",
                "--account-rate-limit-per-minute", "1"])
    try:
        alice, _ = user(s, "alice@example.com")
        bob, _ = user(s, "bob@example.com")
        ev = create(s, alice)
        assert call(s, "PATCH", f"/events/{ev['id']}", {"venue": "Hall"}, token=alice)[0] == 200
        assert call(s, "POST", "/events", {"name": "B", "starts_at": "2031-01-01T00:00:00Z"},
                    token=alice)[0] == 201
        status, hdrs, body = call(s, "PATCH", f"/events/{ev['id']}", {"venue": "Yard"},
                                  token=alice)
        assert status == 429 and body["error"]["code"] == "rate_limited", body
        assert int(hdrs["retry-after"]) >= 1
        assert call(s, "GET", f"/events/{ev['id']}", token=alice)[0] == 200
        assert call(s, "POST", "/events", {"name": "C", "starts_at": "2031-01-01T00:00:00Z"},
                    token=bob)[0] == 201
        assert s.stop() == 0, s.stderr()
    finally:
        s.close()


def test_ws_tickets_are_rate_limited_per_account():
    """Fault 13: POST /events/{id}/ws-ticket is limited per account."""
    from test_events import create, user
    from test_accounts import call
    s = Server(["--threads", "2", "--ws-ticket-rate-limit-per-minute", "2"])
    try:
        alice, _ = user(s, "alice@example.com")
        ev = create(s, alice)
        path = f"/events/{ev['id']}/ws-ticket"
        assert [call(s, "POST", path, token=alice)[0] for _ in range(2)] == [201, 201]
        status, hdrs, body = call(s, "POST", path, token=alice)
        assert status == 429 and "monitor tickets" in body["error"]["message"], body
        assert int(hdrs["retry-after"]) >= 1
        assert s.stop() == 0, s.stderr()
    finally:
        s.close()


def test_reinviting_one_address_is_rate_limited():
    """Fault 5: collaborator invites and guest invitations to one address are
    limited per hour (429 naming the limit); other addresses still go out."""
    from test_events import create, user
    from test_guests import add_guest
    from test_accounts import call
    s = Server(["--threads", "2", "--invites-per-address-per-hour", "2"])
    try:
        owner, _ = user(s, "owner@example.com")
        ev = create(s, owner)
        team = f"/events/{ev['id']}/collaborators"
        for _ in range(2):
            assert call(s, "POST", team, {"email": "Bob@example.com", "role": "viewer"},
                        token=owner)[0] == 201
        status, hdrs, body = call(s, "POST", team, {"email": "bob@example.com", "role": "viewer"},
                                  token=owner)
        assert status == 429 and "2 invitations in the last hour" in body["error"]["message"]
        assert int(hdrs["retry-after"]) > 3000
        assert call(s, "POST", team, {"email": "carol@example.com", "role": "viewer"},
                    token=owner)[0] == 201

        grace = add_guest(s, owner, ev["id"], name="Grace", email="grace@example.com")
        ada = add_guest(s, owner, ev["id"], name="Ada", email="ada@example.com")
        send = f"/events/{ev['id']}/invitations"
        for _ in range(2):
            assert call(s, "POST", send, {"guest_ids": [grace["id"]]}, token=owner)[0] == 202
        status, hdrs, body = call(s, "POST", send, {"guest_ids": [grace["id"]]}, token=owner)
        assert status == 429 and int(hdrs["retry-after"]) > 3000, body
        status, _, body = call(s, "POST", send, {"guest_ids": [grace["id"], ada["id"]]},
                               token=owner)
        assert status == 202 and body["queued"] == [ada["id"]], body
        assert body["skipped"] == [{"guest_id": grace["id"], "reason": "rate_limited"}]
        assert s.stop() == 0, s.stderr()
    finally:
        s.close()


# --- Notifications: the fraud-alert digest ------------------------------------------------------

def test_fraud_alerts_are_digested_per_guest(backend):  # noqa: F811
    """Fault 5: one alert email per guest per window; the next one says how
    many suspicious accesses it held back."""
    from test_accounts import PG_URL  # noqa: F401
    from test_events import create, user
    from test_accounts import sent
    from test_guests import CURL, add_guest, issue, rsvp_get, sql_rows
    kind, url, schema = backend
    s = Server(["--threads", "2", "--notify-poll-ms", "50", "--alert-digest-minutes", "10"],
               database=url)
    s.kind, s.schema = kind, schema
    try:
        owner, _ = user(s, "owner@example.com")
        ev = create(s, owner)
        g = add_guest(s, owner, ev["id"], name="Grace")
        link = issue(s, owner, ev["id"], g["id"])["token"]
        assert rsvp_get(s, link)[0] == 200
        for _ in range(3):
            assert rsvp_get(s, link, headers=CURL)[0] == 403  # Blocked: alert-worthy.

        def alerts():  # What the mail directory received.
            return sent(s, "fraud_alert")

        def held():
            return [r for r in s.log_lines()
                    if r.get("msg") == "fraud alert held back (digest window)"]
        # The worker decides (and logs a hold) before the first alert's mail
        # is written: wait for both.
        deadline = time.monotonic() + TIMEOUT
        while len(held()) < 2 or not alerts():
            assert time.monotonic() < deadline, s.stderr()
            time.sleep(0.05)
        assert len(alerts()) == 1 and "more suspicious" not in alerts()[0]["text"]
        # The window passes (the last alert is moved 11 minutes back); the two
        # accesses it held back are counted in the next one.
        shift = ("created_at - 660000000" if kind == "sqlite"
                 else "created_at - interval '11 minutes'")
        sql_rows(s, f"UPDATE notifications SET created_at = {shift} WHERE type = 'fraud_alert'")
        assert rsvp_get(s, link, headers=CURL)[0] == 403
        deadline = time.monotonic() + TIMEOUT
        while len(alerts()) < 2:
            assert time.monotonic() < deadline, s.stderr()
            time.sleep(0.05)
        assert "2 more suspicious accesses to Grace's invitation since the last alert" in alerts()[1]["text"]
        assert s.stop() == 0, s.stderr()
    finally:
        s.close()


# --- Retention: link expiry, event deletion, access-log pruning ----------------------------------

def token_expiry(token):
    """(issued_at, expires_at or None) in unix seconds, read from a gg1 token's payload."""
    import base64
    payload = token.split(".")[1]
    data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    i = 0
    for _ in range(3):
        i += 1 + data[i]

    def varint():
        nonlocal i
        value, shift = 0, 0
        while True:
            b = data[i]
            i += 1
            value |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                return value
    varint()  # generation
    issued = varint()
    expiry = varint()
    return issued, (issued + expiry - 1 if expiry else None)


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def test_guest_links_expire_the_day_after_the_event():
    """Fault 12: links are signed to expire at starts_at + 1 day (or sooner with
    --link-ttl-days); an expired link is refused (404, as for any link that does
    not work); no link for an event that is over (409)."""
    from test_events import create, user
    from test_guests import add_guest, issue, rsvp_get
    from test_accounts import call
    s = Server(["--threads", "2"])
    try:
        owner, _ = user(s, "owner@example.com")
        starts = int(time.time()) + 3 * 3600
        ev = create(s, owner, starts_at=iso(starts))
        g = add_guest(s, owner, ev["id"])
        _, expires = token_expiry(issue(s, owner, ev["id"], g["id"])["token"])
        assert expires == starts + 86400
        _, expires = token_expiry(issue(s, owner, ev["id"], g["id"], rotate=True)["token"])
        assert expires == starts + 86400
        status, _, body = call(s, "POST", f"/events/{ev['id']}/tokens/bulk", token=owner)
        assert status in (200, 201), body

        almost_over = create(s, owner, starts_at=iso(int(time.time()) - 86400 + 3))
        g2 = add_guest(s, owner, almost_over["id"])
        link = issue(s, owner, almost_over["id"], g2["id"])["token"]
        assert rsvp_get(s, link)[0] == 200
        time.sleep(4)
        status, body = rsvp_get(s, link)
        assert status == 404, body  # Expired: refused like any link that does not work.

        over = create(s, owner, starts_at=iso(int(time.time()) - 2 * 86400))
        g3 = add_guest(s, owner, over["id"])
        status, _, body = call(s, "POST", f"/events/{over['id']}/guests/{g3['id']}/token",
                               token=owner)
        assert status == 409 and "event is over" in body["error"]["message"], body
        assert s.stop() == 0, s.stderr()
    finally:
        s.close()
    s = Server(["--threads", "2", "--link-ttl-days", "1"])
    try:
        owner, _ = user(s, "owner@example.com")
        ev = create(s, owner, starts_at=iso(int(time.time()) + 10 * 86400))
        g = add_guest(s, owner, ev["id"])
        issued, expires = token_expiry(issue(s, owner, ev["id"], g["id"])["token"])
        assert expires == issued + 86400
        assert s.stop() == 0, s.stderr()
    finally:
        s.close()


LIBRARY_TABLES = ("guard_access_log", "guard_feedback", "guard_guest_state", "guard_allowlist",
                  "guard_event_policy")


def library_rows(s, event_id):
    from test_guests import sql_rows
    return {t: int(sql_rows(s, f"SELECT COUNT(*) FROM {t} WHERE event_id = '{event_id}'")[0][0])
            for t in LIBRARY_TABLES}


def test_deleting_an_event_deletes_its_access_log_baselines_allowlist_and_feedback(backend):  # noqa: F811,E501
    from test_events import create, user
    from test_guests import BROWSER, add_guest, issue, rsvp_get, last_access
    from test_accounts import call
    kind, url, schema = backend
    s = Server(["--threads", "2"], database=url)
    s.kind, s.schema = kind, schema
    try:
        owner, _ = user(s, "owner@example.com")
        ev, other = create(s, owner), create(s, owner)
        for e in (ev, other):
            g = add_guest(s, owner, e["id"])
            link = issue(s, owner, e["id"], g["id"])["token"]
            assert rsvp_get(s, link, headers=BROWSER)[0] == 200
            access = last_access(s, owner, e["id"])
            log_id = access["decision"]["access_log_id"]
            status, _, body = call(s, "POST", f"/events/{e['id']}/access-logs/{log_id}/feedback",
                                   {"verdict": "legitimate"}, token=owner)
            assert status in (200, 201, 204), body
            assert call(s, "POST", f"/events/{e['id']}/security/allowlist",
                        {"cidr": "10.1.0.0/16"}, token=owner)[0] == 201
            assert call(s, "PUT", f"/events/{e['id']}/security/thresholds",
                        {"medium": 20, "high": 50, "block": 80}, token=owner)[0] == 200
        assert all(n >= 1 for n in library_rows(s, ev["id"]).values()), library_rows(s, ev["id"])
        assert call(s, "DELETE", f"/events/{ev['id']}", token=owner)[0] == 204
        assert library_rows(s, ev["id"]) == {t: 0 for t in LIBRARY_TABLES}
        assert all(n >= 1 for n in library_rows(s, other["id"]).values())
        assert s.stop() == 0, s.stderr()
    finally:
        s.close()


def test_old_access_logs_are_pruned_by_the_retention_job(backend):  # noqa: F811
    from test_events import create, user
    from test_guests import BROWSER, add_guest, issue, rsvp_get, sql_rows
    kind, url, schema = backend
    s = Server(["--threads", "2", "--access-log-retention-days", "1",
                "--retention-interval-ms", "200"], database=url)
    s.kind, s.schema = kind, schema
    try:
        owner, _ = user(s, "owner@example.com")
        ev = create(s, owner)
        g = add_guest(s, owner, ev["id"])
        link = issue(s, owner, ev["id"], g["id"])["token"]
        for _ in range(3):
            assert rsvp_get(s, link, headers=BROWSER)[0] == 200
        shift = ("occurred_at - 2 * 86400000000" if kind == "sqlite"
                 else "occurred_at - interval '2 days'")
        sql_rows(s, f"UPDATE guard_access_log SET occurred_at = {shift}"
                    " WHERE id IN (SELECT id FROM guard_access_log ORDER BY id LIMIT 2)")
        deadline = time.monotonic() + TIMEOUT
        while int(sql_rows(s, "SELECT COUNT(*) FROM guard_access_log")[0][0]) != 1:
            assert time.monotonic() < deadline, s.stderr()
            time.sleep(0.1)
        pruned = [r for r in s.log_lines() if r.get("msg") == "access log pruned"]
        assert sum(r["deleted"] for r in pruned) == 2 and pruned[0]["retention_days"] == 1
        assert s.stop() == 0, s.stderr()
    finally:
        s.close()
