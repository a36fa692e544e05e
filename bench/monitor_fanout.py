#!/usr/bin/env python3
"""Live-monitor fan-out benchmark.

Starts build/server/guestguard-server (SQLite in a temporary directory, or the
database given with --database), creates a user, an event and one guest per
RSVP, opens CLIENTS WebSockets on the event's monitor with
build/bench/monitor_fanout, then submits RSVPs at a steady RATE per second for
SECONDS seconds, each from its own guest (so none is blocked: every RSVP
yields two activity items, its scored access and the RSVP). Prints, per run,
delivery latency p50/p99 (item "at" → received by the client) and messages/s
received across all clients.
Anchor: the same RSVP stream watched by 1 client (the cost of the pipeline
itself: scoring, outbox, relay, bus); then CLIENTS clients (the fan-out).

With --bus nats://HOST:PORT the server runs on NATS JetStream, and the same
run also measures the JetStream async publish rate on that server
(build/bench/guestguard_bench BM_NatsPublishAsync) to print beside it.

  bench/monitor_fanout.py [--clients 500] [--rate 20] [--seconds 10] [--database URL]
                          [--bus nats://127.0.0.1:4222]

Stdlib only; run from anywhere (paths are relative to the repository).
"""
import argparse
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time

import bench_signup  # bench/bench_signup.py

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVER = os.path.join(ROOT, "build", "server", "guestguard-server")
CLIENT = os.path.join(ROOT, "build", "bench", "monitor_fanout")
BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
           "Accept-Language": "en-GB", "X-Device-Fingerprint": "fp-bench",
           "Content-Type": "application/json"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Api:
    def __init__(self, port):
        self.port = port
        self.token = None

    def call(self, method, path, body=None, headers=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        hdrs = dict(headers or {})
        if self.token and "Authorization" not in hdrs:
            hdrs["Authorization"] = f"Bearer {self.token}"
        data = json.dumps(body) if body is not None else None
        if data is not None:
            hdrs.setdefault("Content-Type", "application/json")
        c.request(method, path, body=data, headers=hdrs)
        r = c.getresponse()
        payload = r.read()
        c.close()
        return r.status, (json.loads(payload) if payload else None)


def start_server(database, tmp, bus):
    port = free_port()
    bus_args = ["--bus", bus, "--subject-prefix", f"bench{os.getpid()}"] if bus else []
    os.makedirs(os.path.join(tmp, "mail"), exist_ok=True)
    log = open(os.path.join(tmp, "server.log"), "wb")
    proc = subprocess.Popen(
        [SERVER, "--listen", f"127.0.0.1:{port}", "--database", database, "--log-level", "warn",
         "--rate-limit-per-minute", "1000000", "--rate-limit-burst", "1000000",
         "--auth-rate-limit-per-minute", "1000000", "--auth-rate-limit-burst", "1000000",
         "--account-rate-limit-per-minute", "1000000", "--account-rate-limit-burst", "1000000",
         "--mail-dir", os.path.join(tmp, "mail"), *bus_args],
        stdout=subprocess.DEVNULL, stderr=log)
    api = Api(port)
    for _ in range(200):
        try:
            if api.call("GET", "/healthz")[0] == 200:
                return proc, api
        except OSError:
            pass
        time.sleep(0.05)
    proc.kill()
    sys.exit("the server did not start")


def run(api, run_no, clients, rate, seconds):
    n = rate * seconds
    status, ev = api.call("POST", "/events", {"name": f"Bench {run_no}",
                                              "starts_at": "2027-06-01T18:00:00Z"})
    assert status == 201, ev
    for i in range(n):
        status, g = api.call("POST", f"/events/{ev['id']}/guests", {"name": f"Guest {i}"})
        assert status == 201, g
    status, bulk = api.call("POST", f"/events/{ev['id']}/tokens/bulk")
    assert status == 200, bulk
    links = [b["token"] for b in bulk["issued"]]
    tickets = []
    for _ in range(clients):
        status, t = api.call("POST", f"/events/{ev['id']}/ws-ticket")
        assert status == 201, t
        tickets.append(t["ticket"])
    client = subprocess.Popen([CLIENT, str(api.port), ev["id"]], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    client.stdin.write("\n".join(tickets) + "\n-\n")
    client.stdin.flush()
    ready = client.stdout.readline()
    assert ready.startswith("ready"), ready

    # A steady stream: RSVP i is due at start + i / rate; 4 senders share the schedule.
    statuses, lock, next_i = [], threading.Lock(), [0]
    start = time.monotonic() + 0.2

    def sender():
        while True:
            with lock:
                i = next_i[0]
                next_i[0] += 1
            if i >= n:
                return
            delay = start + i / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            status, _ = api.call("POST", f"/rsvp/{links[i]}",
                                 {"response": "yes", "plus_ones": 0}, headers=BROWSER)
            with lock:
                statuses.append(status)

    senders = [threading.Thread(target=sender) for _ in range(4)]
    for t in senders:
        t.start()
    for t in senders:
        t.join()
    expect = sum(2 if s == 200 else 1 for s in statuses)
    client.stdin.write(f"{expect}\n")
    client.stdin.flush()
    out, _ = client.communicate(timeout=120)
    refused = sum(1 for s in statuses if s != 200)
    return out.strip(), refused


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--rate", type=int, default=20, help="RSVPs per second")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--database", default=None)
    parser.add_argument("--bus", default=None, help="nats://HOST:PORT (default: in-process)")
    args = parser.parse_args()
    for path in (SERVER, CLIENT):
        if not os.path.exists(path):
            sys.exit(f"{path} not found: build with -DGUESTGUARD_WITH_SERVER=ON first")
    with tempfile.TemporaryDirectory() as tmp:
        database = args.database or "sqlite:" + os.path.join(tmp, "bench.db")
        proc, api = start_server(database, tmp, args.bus)
        try:
            api.token = bench_signup.signup(f"http://127.0.0.1:{api.port}",
                                            os.path.join(tmp, "mail"),
                                            f"bench{os.getpid()}@example.com",
                                            "bench password 123")
            print(f"monitor fan-out: {args.rate} RSVPs/s for {args.seconds} s, "
                  f"{database.split(':')[0]}, bus {args.bus or 'inprocess'}, 2 items per RSVP")
            for run_no, clients in enumerate((1, args.clients)):
                label = "anchor (1 client)" if clients == 1 else f"fan-out ({clients} clients)"
                figures, refused = run(api, run_no, clients, args.rate, args.seconds)
                print(f"  {label:24} {figures}" + (f" refused={refused}" if refused else ""))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    if args.bus:
        print("  JetStream async publish (same server): " + nats_publish_rate(args.bus))


def nats_publish_rate(url):
    bench = os.path.join(ROOT, "build", "bench", "guestguard_bench")
    out = subprocess.run([bench, "--benchmark_filter=BM_NatsPublishAsync",
                          "--benchmark_min_time=1", "--benchmark_color=false"],
                         env={**os.environ, "GUESTGUARD_TEST_NATS_URL": url},
                         capture_output=True, text=True, timeout=300)
    m = re.search(r"BM_NatsPublishAsync\S*\s.*?([\d.]+)([kM]?)/s", out.stdout)
    if not m:
        return "not measured: " + (out.stderr or out.stdout)[-300:]
    rate = float(m.group(1)) * {"": 1, "k": 1e3, "M": 1e6}[m.group(2)]
    return f"{rate:,.0f} msg/s (PublishBatch of 1000)"


if __name__ == "__main__":
    main()
