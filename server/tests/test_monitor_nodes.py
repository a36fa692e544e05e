"""Stateless nodes for the live monitor (issue 14 item 4, DESIGN §4): two
guestguard-server processes on different loopback ports share one database
(a PostgreSQL schema, or one SQLite file) and one nats-server (--bus), so a
monitor ticket issued by one node opens the WebSocket on the other — no
sticky routing — and that socket streams what a guest does through the first;
a ticket opens one socket in the whole deployment, even when presented to
both nodes at once.

Needs GUESTGUARD_TEST_NATS_URL (scripts/with_nats), and for the PostgreSQL
case GUESTGUARD_TEST_POSTGRES_URL (scripts/with_postgres); skipped without
them locally, failed without them under CI.
"""
import json
import os
import threading
import time
import uuid

import pytest

from test_events import create, user
from test_guests import add_guest, issue, rsvp_get
from test_http import Server
from test_monitor import monitor, refused, ticket
from test_nats import GENEROUS, KEYRING, NATS_URL
from ws_client import HandshakeRefused


@pytest.fixture
def nodes(backend, tmp_path):
    """make(*flags) starts one more node on the shared database and bus."""
    if not NATS_URL:
        if os.environ.get("CI"):
            pytest.fail("CI is set but GUESTGUARD_TEST_NATS_URL is not (scripts/with_nats)")
        pytest.skip("needs GUESTGUARD_TEST_NATS_URL")
    kind, url, schema = backend
    url = url or f"sqlite:{tmp_path / 'shared.db'}"
    prefix = "t" + uuid.uuid4().hex[:12]
    started = []

    def make(*flags):
        s = Server(["--threads", "2", "--bus", NATS_URL, "--subject-prefix", prefix,
                    "--keyring", KEYRING, *GENEROUS, *flags], database=url)
        s.kind, s.schema = kind, schema
        started.append(s)
        return s

    try:
        yield make
        for s in started:
            assert s.stop() == 0, s.stderr()
    finally:
        for s in started:
            s.close()


def test_a_ticket_from_one_node_opens_the_monitor_on_the_other_once(nodes):
    a, b = nodes(), nodes()
    assert a.port != b.port
    token, _ = user(a, "owner@example.com")
    ev = create(a, token)
    g = add_guest(a, token, ev["id"], name="Grace Hopper")
    link = issue(a, token, ev["id"], g["id"])["token"]
    t = ticket(a, token, ev["id"])
    ws = monitor(b, ev["id"], t)  # Issued by A, redeemed by B.
    try:
        status, _ = rsvp_get(a, link)  # A guest opens the invitation on A.
        assert status == 200
        item = json.loads(ws.recv())
    finally:
        ws.close()
    assert item["type"] == "access" and item["kind"] == "open", item
    assert item["guest_id"] == g["id"] and item["guest_name"] == "Grace Hopper"
    # The ticket is spent for the whole deployment.
    assert refused(b, ev["id"], t) == (401, "unauthenticated")
    assert refused(a, ev["id"], t) == (401, "unauthenticated")
    # And the other way round: issued by B, redeemed by A, then spent on B.
    t = ticket(b, token, ev["id"])
    monitor(a, ev["id"], t).close()
    assert refused(b, ev["id"], t) == (401, "unauthenticated")
    assert t not in a.stderr() + b.stderr()


def test_an_expired_ticket_is_refused_by_the_other_node(nodes):
    a = nodes("--ws-ticket-ttl-ms", "1000")
    b = nodes("--ws-ticket-ttl-ms", "1000")
    token, _ = user(a, "owner@example.com")
    ev = create(a, token)
    monitor(b, ev["id"], ticket(a, token, ev["id"])).close()  # Fresh: accepted.
    stale = ticket(a, token, ev["id"])
    time.sleep(1.2)
    assert refused(b, ev["id"], stale) == (401, "unauthenticated")
    assert refused(a, ev["id"], stale) == (401, "unauthenticated")


def test_one_ticket_presented_to_both_nodes_at_once_opens_one_socket(nodes):
    a, b = nodes(), nodes()
    token, _ = user(a, "owner@example.com")
    ev = create(a, token)
    for _ in range(5):
        t = ticket(a, token, ev["id"])
        start = threading.Barrier(4)
        outcomes = []

        def present(node):
            start.wait()
            try:
                monitor(node, ev["id"], t).close()
                outcomes.append(101)
            except HandshakeRefused as refusal:
                outcomes.append(refusal.status)

        threads = [threading.Thread(target=present, args=(node,)) for node in (a, b, a, b)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == [101, 401, 401, 401], outcomes
