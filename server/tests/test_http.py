"""End-to-end tests of guestguard-server: the real binary on a loopback port.

Stdlib only. GUESTGUARD_SERVER_BIN names the binary (set by ctest).
"""
import http.client
import json
import os
import signal
import socket
import subprocess
import tempfile
import time

import pytest

BIN = os.environ.get("GUESTGUARD_SERVER_BIN", "")
TIMEOUT = 10  # Upper bound for any single wait in these tests, seconds.


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, extra_args=(), env=None, database=None):
        self.tmp = tempfile.TemporaryDirectory()
        self.port = free_port()
        self.stderr_path = os.path.join(self.tmp.name, "stderr.log")
        self.stderr_file = open(self.stderr_path, "wb")
        self.sqlite_path = os.path.join(self.tmp.name, "gg.db")
        self.database = database or "sqlite:" + self.sqlite_path
        args = [BIN, "--listen", f"127.0.0.1:{self.port}", "--database", self.database,
                *extra_args]
        # Short timeouts unless a test sets its own.
        for flag, value in (("--header-timeout-ms", "1000"), ("--request-timeout-ms", "3000"),
                            ("--shutdown-timeout-ms", "5000")):
            if flag not in extra_args:
                args += [flag, value]
        # Tests sign in many times from 127.0.0.1, write quickly from one account,
        # re-send invitations and raise many alerts: generous limits unless a
        # test sets its own (flag or environment); test_limits.py tests them.
        for flag, value in (("--auth-rate-limit-burst", "1000"),
                            ("--auth-rate-limit-per-minute", "1000000"),
                            ("--login-max-failures", "1000"),
                            ("--account-rate-limit-burst", "1000000"),
                            ("--account-rate-limit-per-minute", "1000000"),
                            ("--ws-ticket-rate-limit-per-minute", "1000000"),
                            ("--invites-per-address-per-hour", "1000"),
                            ("--alert-digest-minutes", "0")):
            variable = "GUESTGUARD_" + flag[2:].upper().replace("-", "_")
            if flag not in extra_args and variable not in (env or {}):
                args += [flag, value]
        # Email goes to a mail directory the tests read (the development mail
        # sink), unless the test sends it elsewhere (SMTP, production) or runs
        # no notification worker in this process: then mail_dir is None.
        self.mail_dir = None
        everything = " ".join([*extra_args, *(f"{k}={v}" for k, v in (env or {}).items())])
        if not any(word in everything for word in ("--smtp-url", "SMTP_URL", "production",
                                                    "--mail-dir", "MAIL_DIR")) \
                and "--notifier off" not in " ".join(extra_args):
            self.mail_dir = os.path.join(self.tmp.name, "mail")
            os.mkdir(self.mail_dir)
            args += ["--mail-dir", self.mail_dir]
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("GUESTGUARD_")}
        full_env.update(env or {})
        # Another test's server may take the port free_port() handed out before
        # this one binds it: then start again on another port (a few times).
        for attempt in range(3):
            self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL,
                                         stderr=self.stderr_file, env=full_env)
            if self._wait_healthy(retry_port_clash=attempt < 2):
                return
            self.port = free_port()
            args[args.index("--listen") + 1] = f"127.0.0.1:{self.port}"
            self.stderr_file.seek(0)
            self.stderr_file.truncate()

    # True once this process (its log names the port it listens on) answers
    # /healthz; False when it lost its port to another process and may retry.
    def _wait_healthy(self, retry_port_clash):
        deadline = time.monotonic() + TIMEOUT
        while True:
            if self.proc.poll() is not None:
                if retry_port_clash and "Address already in use" in self.stderr():
                    return False
                raise AssertionError(f"server exited early ({self.proc.returncode}):\n"
                                     + self.stderr())
            try:
                status, _, _ = self.request("GET", "/healthz")
                if status == 200 and f'"port":{self.port},' in self.stderr():
                    return True
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.proc.kill()
                raise AssertionError("server did not become healthy:\n" + self.stderr())
            time.sleep(0.05)

    def conn(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)

    def request(self, method, path, body=None, headers=None):
        c = self.conn()
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            return r.status, dict((k.lower(), v) for k, v in r.getheaders()), r.read()
        finally:
            c.close()

    def raw(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT)
        return s

    def stderr(self):
        self.stderr_file.flush()
        with open(self.stderr_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def log_lines(self):
        """The JSON log lines written so far, parsed."""
        return [json.loads(line) for line in self.stderr().splitlines() if line.startswith("{")]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("server did not stop on SIGTERM:\n" + self.stderr())

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.stderr_file.close()
        self.tmp.cleanup()


@pytest.fixture
def server():
    s = Server(["--max-body", "1024", "--threads", "2"])
    try:
        yield s
        assert s.stop() == 0, s.stderr()
    finally:
        s.close()


class Reader:
    """Reads HTTP responses one by one from a raw socket, keeping what follows."""

    def __init__(self, sock):
        self.sock = sock
        self.data = b""

    def _fill(self):
        chunk = self.sock.recv(65536)
        self.data += chunk
        return bool(chunk)

    def response(self):
        """(status, headers, body), or None on EOF before a full header."""
        while b"\r\n\r\n" not in self.data:
            if not self._fill():
                return None
        head, self.data = self.data.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
        length = int(headers.get("content-length", "0"))
        while len(self.data) < length:
            if not self._fill():
                break
        body, self.data = self.data[:length], self.data[length:]
        return status, headers, body


def server_on(backend, *args):
    """A server on `backend` started with `args`; s.kind and s.schema name the backend."""
    kind, url, schema = backend
    s = Server(list(args), database=url)
    s.kind, s.schema = kind, schema
    return s


def stop_and_close(s):
    """Stops `s`, which must exit 0, and removes its directory either way."""
    try:
        assert s.stop() == 0, s.stderr()
    finally:
        s.close()


def read_response(sock):
    return Reader(sock).response()


def assert_error(status, headers, body, want_status, want_code):
    assert status == want_status
    assert headers["content-type"].startswith("application/json")
    doc = json.loads(body)
    assert doc["error"]["code"] == want_code
    assert isinstance(doc["error"]["message"], str) and doc["error"]["message"]
    assert headers.get("x-request-id")


def test_healthz_is_ok_json_with_request_id(server):
    status, headers, body = server.request("GET", "/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "ok"}
    rid = headers["x-request-id"]
    assert len(rid) >= 16 and all(c in "0123456789abcdef" for c in rid)
    _, headers2, _ = server.request("GET", "/healthz")
    assert headers2["x-request-id"] != rid


def test_readyz_pings_the_database_and_reports_the_bus(server):
    status, _, body = server.request("GET", "/readyz")
    assert status == 200
    assert json.loads(body) == {"status": "ready", "database": "ok", "bus": "ok"}


def test_unknown_path_is_404_json(server):
    assert_error(*server.request("GET", "/no/such/thing"), 404, "not_found")


def test_wrong_method_is_405_with_allow(server):
    status, headers, body = server.request("POST", "/healthz", body=b"{}")
    assert_error(status, headers, body, 405, "method_not_allowed")
    assert headers["allow"] == "GET"


def test_keep_alive_serves_several_requests_on_one_connection(server):
    c = server.conn()
    try:
        for _ in range(3):
            c.request("GET", "/healthz")
            r = c.getresponse()
            assert r.status == 200
            r.read()
    finally:
        c.close()


def test_header_over_8_kib_is_431(server):
    s = server.raw()
    with s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9216 + b"\r\n\r\n")
        assert_error(*read_response(s), 431, "header_too_large")


def test_header_over_8_kib_split_between_target_and_fields_is_431(server):
    """Beast bounds the start line and the fields each by the limit, and
    counts them together only while the header arrives in pieces. On a
    keep-alive connection whose read buffer has grown, a 5 KiB target with
    5 KiB of fields arrives in one read and was served (fuzz finding
    http_request/pipelined-header-over-limit). The server counts the whole header."""
    head = (b"GET /healthz?" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\nX-Big: "
            + b"b" * 5000 + b"\r\n\r\n")
    s = server.raw()
    with s:
        reader = Reader(s)
        for _ in range(2):  # Within the limit: grows the connection's buffer.
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"p" * 8000 + b"\r\n\r\n")
            assert reader.response()[0] == 200
        time.sleep(0.1)  # Let the server wait on a read that the header then fills at once.
        s.sendall(head)
        assert_error(*reader.response(), 431, "header_too_large")


def test_body_over_max_body_is_413_before_it_is_read(server):
    s = server.raw()
    with s:
        # Only the header: the server must answer on Content-Length alone.
        s.sendall(b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 4096\r\n\r\n")
        assert_error(*read_response(s), 413, "payload_too_large")


def test_chunked_body_over_max_body_is_413(server):
    s = server.raw()
    with s:
        chunk = b"a" * 2000
        s.sendall(b"POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                  + b"%x\r\n" % len(chunk) + chunk + b"\r\n0\r\n\r\n")
        assert_error(*read_response(s), 413, "payload_too_large")


def test_transfer_encoding_other_than_chunked_is_400(server):
    s = server.raw()
    with s:
        s.sendall(b"POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n")
        assert_error(*read_response(s), 400, "bad_request")


def test_content_length_with_transfer_encoding_is_400(server):
    s = server.raw()
    with s:
        s.sendall(b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                  b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
        assert_error(*read_response(s), 400, "bad_request")


def test_stalled_header_is_answered_408_within_the_header_deadline(server):
    s = server.raw()
    with s:
        start = time.monotonic()
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # ... and stall.
        resp = read_response(s)
        elapsed = time.monotonic() - start
        assert elapsed < 5, elapsed  # Deadline is 1 s in these tests.
        if resp is not None:
            assert_error(*resp, 408, "request_timeout")


def test_too_many_pipelined_requests_close_the_connection(server):
    s = server.raw()
    with s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" * 20)
        answered = 0
        reader = Reader(s)
        while True:
            resp = reader.response()
            if resp is None:
                break
            assert resp[0] == 200
            answered += 1
        assert 1 <= answered <= 9, answered


def test_log_lines_are_json_and_never_hold_the_query_string(server):
    status, _, _ = server.request("GET", "/healthz?token=SECRET123")
    assert status == 200
    assert server.stop() == 0
    err = server.stderr()
    assert "SECRET123" not in err
    records = [json.loads(line) for line in err.splitlines() if line.strip()]
    for rec in records:
        assert {"time", "level", "msg"} <= rec.keys()
    requests = [r for r in records if r["msg"] == "request"]
    assert any(r["path"] == "/healthz" and r["status"] == 200 and r["method"] == "GET"
               and "request_id" in r and isinstance(r.get("duration_us"), int) and r["client_ip"] == "127.0.0.1"
               for r in requests)
    msgs = [r["msg"] for r in records]
    assert "shutting down" in msgs and "stopped" in msgs


def test_sigterm_lets_a_request_in_flight_finish_and_exits_0(server):
    s = server.raw()
    with s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # Request under way...
        time.sleep(0.2)
        server.proc.send_signal(signal.SIGTERM)
        time.sleep(0.2)
        assert server.proc.poll() is None  # ... so the server waits for it.
        s.sendall(b"\r\n")
        status, headers, body = read_response(s)
        assert status == 200 and json.loads(body) == {"status": "ok"}
        assert headers.get("connection", "").lower() == "close"
    assert server.proc.wait(timeout=TIMEOUT) == 0
    assert "stopped" in server.stderr()


def test_idle_connections_do_not_delay_shutdown(server):
    s = server.raw()
    with s:
        start = time.monotonic()
        assert server.stop() == 0
        assert time.monotonic() - start < 3


def run_and_expect_exit(args, env=None):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("GUESTGUARD_")}
    full_env.update(env or {})
    with tempfile.TemporaryDirectory() as tmp:
        p = subprocess.run([BIN, "--listen", f"127.0.0.1:{free_port()}",
                            "--database", "sqlite:" + os.path.join(tmp, "gg.db"), *args],
                           env=full_env, capture_output=True, timeout=TIMEOUT)
    return p.returncode, p.stderr.decode()


def test_production_without_keyring_exits_2():
    code, err = run_and_expect_exit(["--env", "production"])
    assert code == 2
    assert "keyring" in err and "production" in err


def test_production_env_variable_without_keyring_exits_2():
    code, err = run_and_expect_exit([], env={"GUESTGUARD_ENV": "production"})
    assert code == 2 and "keyring" in err


def test_smtp_settings_are_checked_without_echoing_the_password():
    code, err = run_and_expect_exit(["--smtp-url", "smtp://127.0.0.1:25", "--smtp-username", "u"],
                                    env={"GUESTGUARD_SMTP_PASSWORD": ""})
    assert code == 2 and "username and password" in err
    code, err = run_and_expect_exit(["--smtp-url", "smtp://127.0.0.1:25", "--smtp-from", "nobody",
                                     "--smtp-username", "u", "--smtp-password", "HUNTER2pw"])
    assert code == 2 and "from address" in err and "HUNTER2pw" not in err


def test_invalid_keyring_exits_2_without_echoing_it():
    code, err = run_and_expect_exit(["--keyring", "k1:not*base64*SECRETISH"])
    assert code == 2
    assert "keyring" in err
    assert "SECRETISH" not in err


@pytest.mark.parametrize("args", [["--threads", "0"], ["--log-level", "loud"],
                                  ["--max-body", "-5"], ["--listen", "nonsense"],
                                  ["--env", "staging"], ["--database", "mysql://x"],
                                  ["--bus", "kafka://x"], ["--notifier", "sometimes"],
                                  ["--smtp-url", "http://mail.example.com"],
                                  ["--smtp-tls", "maybe"], ["--notify-max-attempts", "0"],
                                  ["--notify-backoff-ms", "-1"]])
def test_invalid_values_exit_2_with_the_reason(args):
    code, err = run_and_expect_exit(args)
    assert code == 2
    assert args[0] in err


def test_flag_beats_environment():
    # The environment asks for a bad thread count; the flag overrides it.
    s = Server(["--threads", "2"], env={"GUESTGUARD_THREADS": "0"})
    try:
        assert s.request("GET", "/healthz")[0] == 200
        assert s.stop() == 0
    finally:
        s.close()


def test_development_without_keyring_warns_loudly():
    s = Server()
    try:
        assert s.stop() == 0
        warnings = [json.loads(l) for l in s.stderr().splitlines()
                    if l.strip() and json.loads(l)["level"] == "warn"]
        assert any("KEYRING" in w["msg"] for w in warnings)
    finally:
        s.close()


def test_production_with_keyring_starts():
    import base64
    spec = "k1:" + base64.b64encode(os.urandom(32)).decode()
    s = Server(["--env", "production"],
               env={"GUESTGUARD_KEYRING": spec, "GUESTGUARD_ALLOW_LOG_SENDER": "on"})
    try:
        assert s.request("GET", "/readyz")[0] == 200
        assert s.stop() == 0
        assert spec.split(":")[1] not in s.stderr()
    finally:
        s.close()


def test_notifier_mode_logs_no_bus_credential():
    """A bus URL with userinfo reaches no log line (issue 15, fault 1)."""
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(
            [BIN, "notifier", "--database", "sqlite:" + os.path.join(tmp, "gg.db"),
             "--bus", f"nats://alice:s3cret-pw@127.0.0.1:{free_port()}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60,
            env={k: v for k, v in os.environ.items() if not k.startswith("GUESTGUARD_")})
    err = proc.stderr.decode()
    assert proc.returncode == 1, err  # NATS is not there: exit 1 for the supervisor.
    assert "s3cret-pw" not in err and "alice" not in err, err
