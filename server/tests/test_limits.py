"""Resource limits (issue 15, items 3, 4, 5, 9, 12 and 13's ws-ticket limit):
connection caps and descriptor exhaustion, login throttling, per-account write
limits, notification abuse, the log sender in production, link expiry and
access-log retention.

Stdlib only; reuses test_http.Server. Database-dependent tests run on SQLite
and PostgreSQL (the `backend` fixture of test_accounts.py).
"""
import json
import os
import resource
import socket
import time

from test_http import Server, TIMEOUT


def log_lines(s):
    return [json.loads(line) for line in s.stderr().splitlines() if line.startswith("{")]


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
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    sock.settimeout(TIMEOUT)
    return sock.recv(64).startswith(b"HTTP/1.1 200")


def test_connections_over_the_per_address_cap_are_closed_on_arrival():
    s = Server(["--threads", "2", "--max-connections-per-address", "4"])
    try:
        kept = open_connections(s, 4)
        extra = open_connections(s, 2)
        assert all(is_closed_by_server(c) for c in extra)
        assert all(healthz_on(c) for c in kept)  # The four still work.
        for c in extra:
            c.close()
        kept.pop().close()
        time.sleep(0.2)
        again = open_connections(s, 1)[0]
        assert healthz_on(again)  # A freed slot is reused.
        again.close()
        for c in kept:
            c.close()
        assert any(line.get("msg", "").startswith("per-address connection cap reached")
                   for line in log_lines(s))
        assert s.stop() == 0, s.stderr()
    finally:
        s.close()


def test_connections_over_the_total_cap_are_closed_on_arrival():
    s = Server(["--threads", "2", "--max-connections", "3"])
    try:
        kept = open_connections(s, 3)
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
                   for line in log_lines(s)), s.stderr()
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
        assert any(line.get("msg") == "accepting connections again" for line in log_lines(s))
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
        started = [line for line in log_lines(s) if line.get("msg") == "file descriptor limit"]
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
            notes = [r for r in log_lines(s) if r.get("msg") == "notification"]
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
