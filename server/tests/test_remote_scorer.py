"""End-to-end tests of --scorer-url: every guest check asks a real scorer
process (scorer_stub.py, or examples/remote_scorer.py) over HTTP and the
activity feed shows its verdict; a slow, down or misbehaving scorer leaves the
heuristic verdict standing with scorer_timeout / scorer_unavailable; the
connections are reused and bounded; the labelled corpus exports as JSON lines
and trains the reference scorer.

SQLite only (the scorer path does not depend on the store). Stdlib only.
"""
import concurrent.futures
import http.client
import json
import pathlib
import subprocess
import sys
import time

import pytest

from test_accounts import call, error_of
from test_activity import activity
from test_events import add_member, create, user
from test_guests import BROWSER, CURL, add_guest, codes, issue
from test_http import TIMEOUT, Server, free_port, run_and_expect_exit, stop_and_close

HERE = pathlib.Path(__file__).resolve().parent
EXAMPLE = HERE.parents[1] / "examples" / "remote_scorer.py"
JSON_ACCEPT = {"Accept": "application/json"}
# Generous guest-endpoint limits: these tests make many checks from 127.0.0.1.
UNLIMITED = ["--rate-limit-burst", "100000", "--rate-limit-per-minute", "1000000"]


class ScorerProcess:
    """A scorer process on 127.0.0.1 that prints its port as its first line."""

    def __init__(self, args):
        self.proc = subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        self.port = int(line.split(":")[-1])
        self.url = f"http://127.0.0.1:{self.port}/score"

    def call(self, method, path, body=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            c.request(method, path, body=json.dumps(body) if body is not None else None)
            r = c.getresponse()
            return json.loads(r.read())
        finally:
            c.close()

    def stats(self):
        return self.call("GET", "/stats")

    def control(self, **state):
        self.call("POST", "/control", state)

    def close(self):
        self.proc.terminate()
        self.proc.wait(timeout=TIMEOUT)
        self.proc.stdout.close()


@pytest.fixture
def stub():
    s = ScorerProcess([str(HERE / "scorer_stub.py")])
    try:
        yield s
    finally:
        s.close()


def serving(scorer_url, *extra):
    return Server(["--threads", "4", "--scorer-url", scorer_url, *UNLIMITED, *extra])


def guest_open(s, link, headers=BROWSER):
    """GET /rsvp/{token} as the invitation page's script does; (status, seconds)."""
    started = time.monotonic()
    status, _, _ = s.request("GET", f"/rsvp/{link}", headers={**headers, **JSON_ACCEPT})
    return status, time.monotonic() - started


def one_link(s):
    token, _ = user(s, "alice@example.com")
    ev = create(s, token)
    g = add_guest(s, token, ev["id"])
    return token, ev, g, issue(s, token, ev["id"], g["id"])["token"]


def latest_decision(s, token, ev):
    status, _, page = activity(s, token, ev["id"], limit=1)
    assert status == 200, page
    item = page["items"][0]
    assert item["type"] == "access", item
    return item["decision"]


def test_an_answering_scorer_sets_the_score_and_reasons(stub):
    s = serving(stub.url)
    try:
        token, ev, g, link = one_link(s)
        assert guest_open(s, link)[0] == 200
        decision = latest_decision(s, token, ev)
        assert decision["score"] == 77 and decision["band"] == "high", decision
        assert codes(decision) == ["stub_model"], decision
        assert decision["reasons"][0]["message"].startswith(f"stub saw guest {g['id']} (open)")

        # What the scorer was sent: the documented document, and no secret.
        raw = stub.stats()["last"]
        assert link not in raw and "Bearer" not in raw
        sent = json.loads(raw)
        assert set(sent) == {"version", "event_id", "guest_id", "kind", "at", "client_ip",
                             "signals", "features", "baseline", "recent_uses", "thresholds",
                             "heuristic"}
        assert sent["version"] == 1 and sent["kind"] == "open"
        assert (sent["event_id"], sent["guest_id"]) == (ev["id"], g["id"])
        assert sent["at"].endswith("Z") and sent["client_ip"] == "127.0.0.1"
        assert sent["signals"]["user_agent"] == BROWSER["User-Agent"]
        assert sent["signals"]["fingerprint"] == BROWSER["X-Device-Fingerprint"]
        features = sent["features"]
        assert len(features["fingerprint"]) == 16 and int(features["fingerprint"], 16) > 0
        assert len(features["components"]) == 4
        assert all(c is None or len(c) == 8 for c in features["components"])
        assert len(features["network"]) == 16 and len(features["address"]) == 16
        assert len(features["device"]) == 16 and features["device_from_headers"] is False
        assert sent["baseline"] == {"accesses": 0, "devices": 0, "networks": 0,
                                    "first_seen": None, "last_seen": None,
                                    "known_device": False, "known_network": False,
                                    "confirmed_device": False, "link_uses": 0,
                                    "link_devices": 0, "link_networks": 0}
        assert sent["recent_uses"] == 1
        assert sent["thresholds"] == {"medium": 30, "high": 60, "block": 85}
        heuristic = sent["heuristic"]
        assert set(heuristic) == {"score", "band", "reasons"} and heuristic["band"] == "low"
        for r in heuristic["reasons"]:
            assert set(r) == {"code", "score", "message"}

        # A scripted client: the heuristic's own findings reach the scorer, and a
        # conclusive one stands: a model may raise a verdict, never clear it.
        stub.control(score=5)
        assert guest_open(s, link, headers=CURL)[0] == 403  # The scorer said 5: still refused.
        decision = latest_decision(s, token, ev)
        assert decision["band"] == "block", decision
        heuristic = json.loads(stub.stats()["last"])["heuristic"]
        assert "automation_user_agent" in [r["code"] for r in heuristic["reasons"]]
        assert heuristic["band"] == "block" and heuristic["score"] > 5, heuristic
    finally:
        stop_and_close(s)


def test_a_slow_scorer_times_out_and_the_heuristic_verdict_stands(stub):
    stub.control(mode="slow", delay=3.0)
    s = serving(stub.url, "--scorer-deadline-ms", "200")
    try:
        token, ev, _, link = one_link(s)
        status, took = guest_open(s, link)
        assert status == 200
        assert took < 0.2 + 1.0, took  # The deadline plus a margin, not the scorer's 3 s.
        decision = latest_decision(s, token, ev)
        assert decision["band"] == "low" and decision["score"] != 77, decision
        assert "scorer_timeout" in codes(decision) and "stub_model" not in codes(decision)
        reason = next(r for r in decision["reasons"] if r["code"] == "scorer_timeout")
        assert reason["score"] == 0 and "200ms" in reason["message"], reason
        assert stub.stats()["requests"] == 1
    finally:
        stop_and_close(s)


def test_healthz_answers_at_once_while_every_handler_waits_on_the_scorer(stub):
    """Blocking handlers run on their own pool (--threads), never on the I/O
    threads: with one handler thread held by a slow scorer, four guest opens
    take turns on it for about 2 s, and /healthz answers at once meanwhile
    (it waited behind them when handlers ran on the I/O threads)."""
    stub.control(mode="slow", delay=3.0)
    s = Server(["--threads", "1", "--scorer-url", stub.url, "--scorer-deadline-ms", "500",
                *UNLIMITED])
    try:
        _, _, _, link = one_link(s)
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            opens = [pool.submit(guest_open, s, link) for _ in range(4)]
            time.sleep(0.3)
            probes = []
            while not all(f.done() for f in opens):
                started = time.monotonic()
                status, _, _ = s.request("GET", "/healthz")
                probes.append(time.monotonic() - started)
                assert status == 200
                time.sleep(0.05)
            took = sorted(f.result()[1] for f in opens)
        assert took[-1] >= 4 * 0.5 - 0.1, took  # One at a time: the pool was saturated.
        assert len(probes) >= 10, probes
        assert max(probes) < 0.15, probes
    finally:
        stop_and_close(s)


def test_a_scorer_that_is_down_is_unavailable_and_the_heuristic_verdict_stands():
    s = serving(f"http://127.0.0.1:{free_port()}/score")  # Nothing listens there.
    try:
        token, ev, _, link = one_link(s)
        status, took = guest_open(s, link)
        assert status == 200 and took < 1.0, took
        decision = latest_decision(s, token, ev)
        assert decision["band"] == "low", decision
        assert codes(decision)[-1] == "scorer_unavailable", decision
        # A blocked verdict stays blocked: fail-open keeps the heuristic, not "allow".
        assert guest_open(s, link, headers=CURL)[0] == 403
        decision = latest_decision(s, token, ev)
        assert decision["band"] == "block" and "scorer_unavailable" in codes(decision)
        log = s.stderr()
        assert log.count("remote scorer failing") == 1, log  # Once, not per check.
        assert "Connection refused" in log
    finally:
        stop_and_close(s)


def test_a_bad_answer_is_an_error_and_the_heuristic_verdict_stands(stub):
    from scorer_stub import BAD  # The stub's catalogue of bad answers.
    s = serving(stub.url)
    try:
        token, ev, _, link = one_link(s)
        for mode in BAD:
            stub.control(mode=mode)
            assert guest_open(s, link)[0] == 200, mode
            decision = latest_decision(s, token, ev)
            assert decision["score"] != 42 and "scorer_unavailable" in codes(decision), \
                (mode, decision)
        # And it recovers: a good answer counts again (the log says so once).
        stub.control(mode="answer", score=33)
        assert guest_open(s, link)[0] == 200
        decision = latest_decision(s, token, ev)
        assert decision["score"] == 33 and codes(decision) == ["stub_model"], decision
        assert "remote scorer answering again" in s.stderr()
    finally:
        stop_and_close(s)


def test_connections_are_reused_and_bounded(stub):
    s = serving(stub.url, "--scorer-connections", "2")
    try:
        token, ev, g, link = one_link(s)
        for _ in range(10):  # One after another: one connection serves them all.
            assert guest_open(s, link)[0] == 200
        stats = stub.stats()
        assert (stats["connections"], stats["requests"]) == (1, 10), stats

        # Eight at once: at most two connections (and two calls) to the scorer;
        # a check finding both busy keeps its heuristic verdict at once.
        links = [issue(s, token, ev["id"], add_guest(s, token, ev["id"])["id"])["token"]
                 for _ in range(8)]
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda i: guest_open(s, links[i % 8]), range(48)))
        assert all(status == 200 for status, _ in results), results
        stats = stub.stats()
        assert stats["connections"] <= 2, stats
        _, _, page = activity(s, token, ev["id"], limit=48)
        outcomes = [codes(i["decision"]) for i in page["items"] if i["type"] == "access"]
        assert len(outcomes) == 48
        remote = sum(1 for c in outcomes if c == ["stub_model"])
        assert all(c == ["stub_model"] or c[-1] == "scorer_unavailable" for c in outcomes)
        assert remote >= 1 and stats["requests"] == 10 + remote, (remote, stats)
    finally:
        stop_and_close(s)


def test_a_connection_the_scorer_closed_while_idle_is_replaced(stub):
    stub.control(mode="close_after")
    s = serving(stub.url)
    try:
        token, ev, _, link = one_link(s)
        for _ in range(3):
            time.sleep(0.05)  # Let the scorer's close arrive before the next check.
            assert guest_open(s, link)[0] == 200
            decision = latest_decision(s, token, ev)
            assert codes(decision) == ["stub_model"], decision  # Sent again on a new one.
        stats = stub.stats()
        assert (stats["connections"], stats["requests"]) == (3, 3), stats
    finally:
        stop_and_close(s)


def test_scorer_flags_are_validated_at_start():
    cases = [
        (["--scorer-url", "https://scorer.example/score"], "--scorer-url: https:// is not"),
        (["--scorer-url", "http://user:pw@127.0.0.1:9/x"], "--scorer-url: the URL has user info"),
        (["--scorer-url", "127.0.0.1:9000/score"], "--scorer-url: the URL must start"),
        (["--scorer-url", "http://127.0.0.1:99999/score"], "--scorer-url: the port"),
        (["--scorer-url", "http://[::1/score"], "--scorer-url: unclosed"),
        (["--scorer-deadline-ms", "0"], "--scorer-deadline-ms: expected milliseconds"),
        (["--scorer-deadline-ms", "10001"], "--scorer-deadline-ms: expected milliseconds"),
        (["--scorer-connections", "0"], "--scorer-connections: expected a number from 1 to 256"),
    ]
    for args, message in cases:
        code, err = run_and_expect_exit(args)
        assert code == 2 and message in err, (args, code, err)
        assert "pw" not in err
    code, err = run_and_expect_exit([], env={"GUESTGUARD_SCORER_URL": "ftp://x/"})
    assert code == 2 and "GUESTGUARD_SCORER_URL: the URL must start with http://" in err, err


def labelled_accesses(s, token, ev, guests=3):
    """Per guest: a browser open marked legitimate and a curl open marked suspicious."""
    for _ in range(guests):
        g = add_guest(s, token, ev["id"])
        link = issue(s, token, ev["id"], g["id"])["token"]
        for headers, verdict in ((BROWSER, "legitimate"), (CURL, "suspicious")):
            guest_open(s, link, headers=headers)
            log_id = latest_decision(s, token, ev)["access_log_id"]
            status, _, body = call(s, "POST", f"/events/{ev['id']}/access-logs/{log_id}/feedback",
                                   {"verdict": verdict}, token=token)
            assert status == 200, body


def test_the_corpus_exports_as_json_lines_for_editors():
    s = Server(UNLIMITED)
    s.kind = "sqlite"  # For add_member.
    try:
        token, _ = user(s, "alice@example.com")
        ev = create(s, token)
        path = f"/events/{ev['id']}/security/feedback/export"
        status, headers, body = s.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        assert status == 200 and body == b"", body  # No verdicts yet.
        assert headers["content-type"] == "application/x-ndjson"
        labelled_accesses(s, token, ev, guests=2)
        status, headers, body = s.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        assert status == 200
        assert f'filename="event-{ev["id"]}-labelled.jsonl"' in headers["content-disposition"]
        lines = [json.loads(line) for line in body.decode().splitlines()]
        assert sorted(line["feedback"]["verdict"] for line in lines) == \
            ["legitimate", "legitimate", "suspicious", "suspicious"]
        for line in lines:
            assert line["access"]["event_id"] == ev["id"] and line["access"]["reasons"] is not None
        viewer, viewer_id = user(s, "victor@example.com")
        error_of(*call(s, "GET", path, token=viewer)[::2], 404, "not_found")
        add_member(s, ev["id"], viewer_id, "viewer")
        error_of(*call(s, "GET", path, token=viewer)[::2], 403, "permission_denied")
    finally:
        stop_and_close(s)


def test_the_reference_scorer_trains_on_the_export_and_serves(tmp_path):
    """The documented loop: export → train → serve → plug in."""
    s = Server(UNLIMITED)
    try:
        token, _ = user(s, "alice@example.com")
        ev = create(s, token)
        labelled_accesses(s, token, ev)
        status, _, corpus = s.request("GET", f"/events/{ev['id']}/security/feedback/export",
                                      headers={"Authorization": f"Bearer {token}"})
        assert status == 200
    finally:
        stop_and_close(s)
    (tmp_path / "corpus.jsonl").write_bytes(corpus)
    model = tmp_path / "model.json"
    trained = subprocess.run([sys.executable, str(EXAMPLE), "train", str(tmp_path / "corpus.jsonl"),
                              "--out", str(model)], capture_output=True, text=True, timeout=60)
    assert trained.returncode == 0, trained.stderr
    assert "trained on 6 rows (3 suspicious)" in trained.stdout, trained.stdout

    scorer = ScorerProcess([str(EXAMPLE), "serve", "--model", str(model), "--listen",
                            "127.0.0.1:0"])
    s = serving(scorer.url)
    try:
        token, ev, _, link = one_link(s)
        assert guest_open(s, link)[0] == 200
        browser = latest_decision(s, token, ev)
        guest_open(s, link, headers=CURL)
        scripted = latest_decision(s, token, ev)
        assert codes(browser)[0] == "model", browser
        assert browser["band"] == "low", browser
        # curl is conclusive for the heuristic: the model may only raise that verdict.
        assert scripted["band"] == "block" and scripted["score"] >= 90, scripted
        assert "automation_user_agent" in codes(scripted)
    finally:
        stop_and_close(s)
        scorer.close()
