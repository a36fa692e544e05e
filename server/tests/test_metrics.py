"""GET /metrics: the Prometheus text format 0.0.4, bounded labels, counters that
move, and where it is served (--metrics-listen, production).

Stdlib only; a small parser of the text format of our own.
"""
import http.client
import os
import re
import signal
import subprocess
import tempfile
import time

from test_accounts import call
from test_events import create, user
from test_guests import BROWSER, add_guest, issue, rsvp_get, rsvp_post
from test_http import BIN, TIMEOUT, Server, free_port, run_and_expect_exit

NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)')
SUFFIXES = ("_bucket", "_sum", "_count")


def parse(text):
    """{family: type}, [(name, {labels}, value)]; asserts the format rules we rely on."""
    types, helps, samples = {}, set(), []
    for line in text.splitlines():
        assert line, "blank line in the exposition"
        if line.startswith("# HELP "):
            name = line.split(" ", 3)[2]
            assert name not in helps, f"second HELP for {name}"
            helps.add(name)
        elif line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            assert NAME.match(name) and name not in types, line
            assert kind in ("counter", "gauge", "histogram"), line
            types[name] = kind
        else:
            m = SAMPLE.match(line)
            assert m, f"malformed sample line: {line!r}"
            name, raw_labels, value = m.groups()
            labels = {}
            if raw_labels:
                consumed = "".join(x.group(0) for x in LABEL.finditer(raw_labels))
                assert consumed == raw_labels, f"malformed labels: {line!r}"
                labels = {k: v for k, v in LABEL.findall(raw_labels)}
            family = name
            if name not in types:
                family = next((name[:-len(s)] for s in SUFFIXES if name.endswith(s)), name)
            assert family in types, f"sample before its # TYPE: {line!r}"
            if types[family] == "counter":
                assert name.endswith("_total"), name
            samples.append((name, labels, float(value)))
    assert helps == set(types), "every family has HELP and TYPE"
    return types, samples


def value(samples, name, **labels):
    found = [v for n, l, v in samples if n == name and all(l.get(k) == x for k, x in labels.items())]
    assert len(found) <= 1 or not labels, (name, labels, found)
    return sum(found)


def scrape(s, port=None):
    c = http.client.HTTPConnection("127.0.0.1", port or s.port, timeout=TIMEOUT)
    try:
        c.request("GET", "/metrics")
        r = c.getresponse()
        body = r.read().decode()
        assert r.status == 200, body
        assert r.getheader("Content-Type") == "text/plain; version=0.0.4; charset=utf-8"
        return body
    finally:
        c.close()


def status_of(port, path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        c.request("GET", path)
        r = c.getresponse()
        r.read()
        return r.status
    finally:
        c.close()


EXPECTED_TYPES = {
    "guestguard_http_requests_total": "counter",
    "guestguard_http_request_duration_seconds": "histogram",
    "guestguard_http_open_connections": "gauge",
    "guestguard_checks_total": "counter",
    "guestguard_check_invalid_links_total": "counter",
    "guestguard_check_errors_total": "counter",
    "guestguard_previews_total": "counter",
    "guestguard_notification_sends_total": "counter",
    "guestguard_notification_send_failures_total": "counter",
    "guestguard_database_up": "gauge",
    "guestguard_database_pool_max_connections": "gauge",
    "guestguard_database_pool_open_connections": "gauge",
    "guestguard_database_pool_in_use": "gauge",
    "guestguard_database_write_groups_total": "counter",
    "guestguard_database_group_transactions_total": "counter",
    "guestguard_database_writer_busy_seconds_total": "counter",
    "guestguard_database_writer_commit_seconds_total": "counter",
    "guestguard_outbox_backlog": "gauge",
    "guestguard_outbox_lag_seconds": "gauge",
    "guestguard_outbox_published_total": "counter",
    "guestguard_outbox_relay_healthy": "gauge",
    "guestguard_notifications": "gauge",
    "guestguard_bus_connected": "gauge",
    "guestguard_monitor_sockets": "gauge",
}


def test_scrape_has_every_family_with_bounded_labels_and_counters_move():
    s = Server(["--threads", "2"])
    try:
        types, before = parse(scrape(s))
        assert types == EXPECTED_TYPES
        token, _ = user(s, "host@example.com")
        ev = create(s, token)
        guest = add_guest(s, token, ev["id"], email="grace@example.com")
        link = issue(s, token, ev["id"], guest["id"])["token"]
        for _ in range(3):
            assert s.request("GET", "/healthz")[0] == 200
        assert s.request("GET", "/no/such/path-4242")[0] == 404
        assert call(s, "GET", "/events/987654321", token=token)[0] == 404
        assert rsvp_get(s, link)[0] == 200
        assert rsvp_post(s, link, {"response": "yes", "plus_ones": 0})[0] == 200
        assert rsvp_get(s, "gg1.forged-link-6666.x")[0] == 404
        slack = {"User-Agent": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"}
        assert rsvp_get(s, link, headers=slack)[0] == 200

        deadline = time.monotonic() + TIMEOUT
        while True:  # The confirmation goes out asynchronously.
            text = scrape(s)
            types, after = parse(text)
            if value(after, "guestguard_notification_sends_total", type="rsvp_confirmation"):
                break
            assert time.monotonic() < deadline, text
            time.sleep(0.1)

        # Route templates and fixed words only: no raw path, id or token.
        for raw in ("path-4242", "987654321", link, "forged-link-6666", "grace@example.com"):
            assert raw not in text
        routes = {l["route"] for n, l, _ in after if "route" in l}
        assert {"/healthz", "/events/{id}", "/rsvp/{token}", "unmatched"} <= routes
        assert all(r.startswith("/") or r in ("unmatched", "rejected") for r in routes)
        assert {l["code"] for n, l, _ in after if "code" in l} <= {"1xx", "2xx", "3xx", "4xx", "5xx"}
        assert {l["kind"] for n, l, _ in after if "kind" in l} == {"open", "rsvp", "checkin"}
        assert {l["band"] for n, l, _ in after if "band" in l} == {"low", "medium", "high", "block"}
        assert {l["state"] for n, l, _ in after if "state" in l} == {"pending", "retrying", "failed"}
        label_names = {k for _, l, _ in after for k in l}
        assert label_names <= {"method", "route", "code", "le", "kind", "band", "type", "state"}

        def moved(name, **labels):
            return value(after, name, **labels) - value(before, name, **labels)

        healthz = {"method": "GET", "route": "/healthz"}
        assert moved("guestguard_http_requests_total", code="2xx", **healthz) == 3
        assert moved("guestguard_http_requests_total", method="any", route="unmatched",
                     code="4xx") == 1
        assert moved("guestguard_http_requests_total", method="GET", route="/events/{id}",
                     code="4xx") == 1
        assert moved("guestguard_http_requests_total", method="GET", route="/rsvp/{token}",
                     code="2xx") == 2
        assert moved("guestguard_http_request_duration_seconds_count", **healthz) == 3
        assert value(after, "guestguard_http_request_duration_seconds_sum", **healthz) > 0
        buckets = [(l["le"], v) for n, l, v in after
                   if n == "guestguard_http_request_duration_seconds_bucket"
                   and l["route"] == "/healthz"]
        assert buckets[-1] == ("+Inf", value(after, "guestguard_http_request_duration_seconds_count",
                                             **healthz))
        assert [v for _, v in buckets] == sorted(v for _, v in buckets)
        assert sum(value(after, "guestguard_checks_total", kind="open", band=b)
                   for b in ("low", "medium", "high", "block")) == 2
        assert sum(value(after, "guestguard_checks_total", kind="rsvp", band=b)
                   for b in ("low", "medium", "high", "block")) == 1
        assert moved("guestguard_check_invalid_links_total", kind="open") == 1
        assert moved("guestguard_previews_total") == 1
        assert value(after, "guestguard_notification_send_failures_total") == 0
        assert value(after, "guestguard_bus_connected") == 1
        assert value(after, "guestguard_database_up") == 1
        # SQLite: the writer and one reader per connection the pool may hold.
        readers = min(value(after, "guestguard_database_pool_max_connections"), 64)
        assert value(after, "guestguard_database_pool_open_connections") == 1 + readers
        assert value(after, "guestguard_database_pool_in_use") in (0, 1)
        # The RSVP and the opens were written by the one writer, in groups.
        assert moved("guestguard_database_group_transactions_total") >= 3
        assert 1 <= moved("guestguard_database_write_groups_total") <= moved(
            "guestguard_database_group_transactions_total")
        assert 0 < moved("guestguard_database_writer_commit_seconds_total") <= moved(
            "guestguard_database_writer_busy_seconds_total")
        assert value(after, "guestguard_http_open_connections") >= 1
        assert s.stop() == 0, s.stderr()
    finally:
        s.close()


def test_sender_failures_and_retrying_notifications_show():
    # An SMTP server that refuses connections: every attempt fails and waits.
    s = Server(["--smtp-url", f"smtp://127.0.0.1:{free_port()}", "--smtp-tls", "none",
                "--notify-backoff-ms", "600000", "--notify-poll-ms", "50"])
    try:
        token, _ = user(s, "host@example.com")
        ev = create(s, token)
        guest = add_guest(s, token, ev["id"], email="grace@example.com")
        link = issue(s, token, ev["id"], guest["id"])["token"]
        assert rsvp_post(s, link, {"response": "yes", "plus_ones": 0})[0] == 200
        deadline = time.monotonic() + TIMEOUT
        # The row's state and the failure counter are two writes: wait for both.
        while True:
            _, samples = parse(scrape(s))
            # The host's verification email waits too (its address was marked
            # verified in the database: no mail can be read here).
            if (value(samples, "guestguard_notifications", state="retrying") == 2
                    and value(samples, "guestguard_notification_send_failures_total",
                              type="rsvp_confirmation") == 1
                    and value(samples, "guestguard_notification_send_failures_total",
                              type="other") == 1):
                break
            assert time.monotonic() < deadline, samples
            time.sleep(0.1)
        assert value(samples, "guestguard_notifications", state="pending") == 0
        assert s.stop() == 0, s.stderr()
    finally:
        s.close()


def test_metrics_listen_moves_metrics_off_the_public_listener():
    port = free_port()
    s = Server(["--metrics-listen", f"127.0.0.1:{port}"])
    try:
        assert s.request("GET", "/metrics")[0] == 404
        s.request("GET", "/healthz")
        _, samples = parse(scrape(s, port))
        assert value(samples, "guestguard_http_requests_total", route="/healthz", code="2xx") >= 1
        assert status_of(port, "/healthz") == 404  # Only /metrics there.
        _, samples = parse(scrape(s, port))
        assert value(samples, "guestguard_http_requests_total", method="GET", route="/metrics",
                     code="2xx") >= 1
        assert s.stop() == 0, s.stderr()
    finally:
        s.close()


def test_production_serves_metrics_only_on_the_metrics_listener():
    keyring = {"GUESTGUARD_KEYRING": "k1:" + "A" * 43 + "=", "GUESTGUARD_ALLOW_LOG_SENDER": "on"}
    s = Server(["--env", "production"], env=keyring)
    try:
        assert s.request("GET", "/metrics")[0] == 404
        assert s.stop() == 0
    finally:
        s.close()
    port = free_port()
    s = Server(["--env", "production"], env={**keyring, "GUESTGUARD_METRICS_LISTEN":
                                             f"127.0.0.1:{port}"})
    try:
        assert s.request("GET", "/metrics")[0] == 404
        parse(scrape(s, port))
        assert s.stop() == 0
    finally:
        s.close()


def test_notifier_process_serves_metrics_on_its_listener_and_stops_on_sigterm():
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GUESTGUARD_")}
        p = subprocess.Popen([BIN, "notifier", "--database", "sqlite:" + os.path.join(tmp, "gg.db"),
                              "--metrics-listen", f"127.0.0.1:{port}"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        try:
            deadline = time.monotonic() + TIMEOUT
            while True:
                try:
                    c = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
                    c.request("GET", "/metrics")
                    r = c.getresponse()
                    types, _ = parse(r.read().decode())
                    c.close()
                    break
                except OSError:
                    assert p.poll() is None and time.monotonic() < deadline
                    time.sleep(0.05)
            assert "guestguard_notifications" in types
            p.send_signal(signal.SIGTERM)
            assert p.wait(timeout=TIMEOUT) == 0
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()


def test_invalid_metrics_listen_exits_2():
    code, err = run_and_expect_exit(["--metrics-listen", "nowhere"])
    assert code == 2 and "--metrics-listen" in err
