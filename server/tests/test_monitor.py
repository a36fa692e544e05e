"""End-to-end tests of the live monitor (POST /events/{id}/ws-ticket, WebSocket
GET /events/{id}/monitor) and of the outbox behind it (rows written in the
domain transaction, published by the relay, drained on SIGTERM).

Parametrised over SQLite and PostgreSQL like test_guests.py. Stdlib only; the
WebSocket client is ws_client.py.
"""
import json
import socket
import threading
import time
import urllib.parse

import pytest

from test_accounts import PG_URL, call, psql
from test_events import add_member, create, user
from test_guests import BROWSER, add_guest, issue, rsvp_get, rsvp_post, sql_rows
from test_http import TIMEOUT, Server
from ws_client import Closed, HandshakeRefused, WebSocket

GENEROUS = ["--rate-limit-per-minute", "1000000", "--rate-limit-burst", "100000"]


def start(backend, extra=()):
    kind, url, schema = backend
    s = Server(["--threads", "2", *GENEROUS, *extra], database=url)
    s.kind, s.schema = kind, schema
    return s


@pytest.fixture
def make_srv(backend):
    """Starts servers with extra flags; each is stopped (exit 0 expected) at the end."""
    servers = []

    def make(*extra):
        s = start(backend, extra)
        servers.append(s)
        return s

    try:
        yield make
        for s in servers:
            assert s.stop() == 0, s.stderr()
    finally:
        for s in servers:
            s.close()


@pytest.fixture
def srv(make_srv):
    return make_srv()


def ticket(s, token, event_id):
    status, _, body = call(s, "POST", f"/events/{event_id}/ws-ticket", token=token)
    assert status == 201, body
    assert set(body) == {"ticket", "expires_at"} and body["expires_at"].endswith("Z")
    assert len(body["ticket"]) >= 22  # At least 128 bits, base64url.
    return body["ticket"]


def monitor(s, event_id, t, **kwargs):
    path = f"/events/{event_id}/monitor?" + urllib.parse.urlencode({"ticket": t})
    return WebSocket(s.port, path, **kwargs)


def refused(s, event_id, t, **kwargs):
    with pytest.raises(HandshakeRefused) as info:
        monitor(s, event_id, t, **kwargs)
    body = json.loads(info.value.body)
    return info.value.status, body["error"]["code"]


def setup_event(s, email="alice@example.com", name="Grace Hopper"):
    token, user_id = user(s, email)
    ev = create(s, token)
    g = add_guest(s, token, ev["id"], name=name, plus_ones_allowed=2)
    link = issue(s, token, ev["id"], g["id"])["token"]
    return token, user_id, ev, g, link


def test_monitor_streams_new_rsvps_and_accesses_as_activity_items(srv):
    token, _, ev, g, link = setup_event(srv)
    other_token, _, other_ev, _, other_link = setup_event(srv, "bob@example.com", "Ada")
    assert rsvp_get(srv, link)[0] == 200  # Published before connecting: not streamed.
    wait_all_published(srv)
    wait_accesses_fed(srv)
    ws = monitor(srv, ev["id"], ticket(srv, token, ev["id"]))
    try:
        # Another event's activity is not streamed to this socket.
        assert rsvp_post(srv, other_link, {"response": "no"})[0] == 200
        status, opened = rsvp_get(srv, link)
        assert status == 200
        status, answered = rsvp_post(srv, link, {"response": "yes", "plus_ones": 2})
        assert status == 200, answered
        got = [json.loads(ws.recv()) for _ in range(3)]
    finally:
        ws.close()
    # Order holds per subject, not between them: the relay publishes the access
    # feed and the outbox (rsvp.confirmed) as two sources.
    got = [i for i in got if i["type"] == "access"] + [i for i in got if i["type"] != "access"]
    assert [(i["type"], i.get("kind")) for i in got] == [
        ("access", "open"), ("access", "rsvp"), ("rsvp", None)]
    # The monitor streams what activity lists (guests never see decisions).
    status, _, page = call(srv, "GET", f"/events/{ev['id']}/activity", token=token)
    assert status == 200, page
    recorded = [i for i in page["items"] if i["type"] == "access"]
    assert got[0]["decision"] == recorded[1]["decision"]
    assert got[1]["decision"] == recorded[0]["decision"]
    assert got[2]["response"] == "yes" and got[2]["plus_ones"] == 2
    for item in got:
        assert item["guest_id"] == g["id"] and item["guest_name"] == "Grace Hopper"
    # The same items, in the same shape and with the same client signals, as
    # the activity endpoint shows (every access.scored producer writes them).
    status, _, page = call(srv, "GET", f"/events/{ev['id']}/activity", token=token)
    assert status == 200
    assert page["items"][:3] == list(reversed(got))
    assert other_token  # (the other event's owner exists only to make noise)


def test_viewers_get_tickets_and_strangers_do_not(srv):
    token, _, ev, _, _ = setup_event(srv)
    viewer_token, viewer_id = user(srv, "vera@example.com")
    stranger_token, _ = user(srv, "sam@example.com")
    add_member(srv, ev["id"], viewer_id, "viewer")
    t = ticket(srv, viewer_token, ev["id"])
    monitor(srv, ev["id"], t).close()
    status, _, body = call(srv, "POST", f"/events/{ev['id']}/ws-ticket", token=stranger_token)
    assert status == 404 and body["error"]["code"] == "not_found"
    status, _, body = call(srv, "POST", f"/events/{ev['id']}/ws-ticket")
    assert status == 401 and body["error"]["code"] == "unauthenticated"


def test_reused_foreign_missing_and_unknown_tickets_are_401(srv):
    token, _, ev, _, _ = setup_event(srv)
    other = create(srv, token, name="Other event")
    t = ticket(srv, token, ev["id"])
    monitor(srv, ev["id"], t).close()
    assert refused(srv, ev["id"], t) == (401, "unauthenticated")  # Reused.
    foreign = ticket(srv, token, other["id"])
    assert refused(srv, ev["id"], foreign) == (401, "unauthenticated")
    # A ticket presented to the wrong event is spent.
    assert refused(srv, other["id"], foreign) == (401, "unauthenticated")
    assert refused(srv, ev["id"], "A" * 43) == (401, "unauthenticated")
    with pytest.raises(HandshakeRefused) as info:
        WebSocket(srv.port, f"/events/{ev['id']}/monitor")
    assert info.value.status == 401
    # The ticket never reaches the logs.
    assert t not in srv.stderr() and foreign not in srv.stderr()


def test_expired_ticket_is_401(make_srv):
    s = make_srv("--ws-ticket-ttl-ms", "300")
    token, _, ev, _, _ = setup_event(s)
    fresh = ticket(s, token, ev["id"])
    monitor(s, ev["id"], fresh).close()
    stale = ticket(s, token, ev["id"])
    time.sleep(0.5)
    assert refused(s, ev["id"], stale) == (401, "unauthenticated")


def test_origin_must_be_allowed(make_srv):
    s = make_srv("--allowed-origins", "https://app.example.com, HTTPS://Other.Example.com")
    token, _, ev, _, _ = setup_event(s)
    t = ticket(s, token, ev["id"])
    assert refused(s, ev["id"], t, origin="https://evil.example.net") == (
        403, "origin_not_allowed")
    # The refused attempt did not spend the ticket.
    monitor(s, ev["id"], t, origin="https://app.example.com").close()
    monitor(s, ev["id"], ticket(s, token, ev["id"]), origin="https://other.example.com").close()
    # Without --allowed-origins only the public URL's origin is allowed.
    d = make_srv()
    token, _, ev, _, _ = setup_event(d, "dora@example.com")
    assert refused(d, ev["id"], ticket(d, token, ev["id"]), origin="https://app.example.com") == (
        403, "origin_not_allowed")
    monitor(d, ev["id"], ticket(d, token, ev["id"]), origin=f"http://127.0.0.1:{d.port}").close()


def test_plain_get_of_the_monitor_is_426(srv):
    token, _, ev, _, _ = setup_event(srv)
    t = ticket(srv, token, ev["id"])
    status, hdrs, body = srv.request("GET", f"/events/{ev['id']}/monitor?ticket={t}")
    assert status == 426 and json.loads(body)["error"]["code"] == "upgrade_required"
    assert hdrs["upgrade"] == "websocket"
    monitor(srv, ev["id"], t).close()  # Not spent by the refused request.


def test_oversized_incoming_message_closes_the_socket(srv):
    token, _, ev, _, _ = setup_event(srv)
    ws = monitor(srv, ev["id"], ticket(srv, token, ev["id"]))
    ws.send_text("x" * 1000)  # Small ones are read and ignored.
    ws.send_text("x" * (64 * 1024 + 1))
    with pytest.raises(Closed) as info:
        ws.recv()
    assert info.value.code in (1009, None)
    ws.close()
    # The server logs after closing: give a slow (sanitizer) build a moment.
    deadline = time.monotonic() + 5
    while "websocket message too large" not in srv.stderr() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "websocket message too large" in srv.stderr()


def test_slow_consumer_is_closed_while_others_keep_receiving(make_srv):
    s = make_srv("--ws-send-queue", "64")
    token, _, ev, _, link = setup_event(s)
    slow = monitor(s, ev["id"], ticket(s, token, ev["id"]), rcvbuf=4096)
    fast = monitor(s, ev["id"], ticket(s, token, ev["id"]))
    received, errors = [], []

    def drain_fast():
        try:
            while True:
                received.append(json.loads(fast.recv()))
        except Exception as e:  # Closed at the end of the test.
            errors.append(e)

    reader = threading.Thread(target=drain_fast, daemon=True)
    reader.start()
    sent = 0
    deadline = time.monotonic() + 60
    while "websocket client too slow" not in s.stderr():
        assert time.monotonic() < deadline, "the slow client was never closed"
        for _ in range(25):
            assert rsvp_get(s, link)[0] in (200, 403)
            sent += 1
    # The slow client, reading at last, finds its backlog cut short by a 1008 close.
    got = 0
    with pytest.raises(Closed) as info:
        while True:
            slow.recv()
            got += 1
    assert info.value.code in (1008, None) and got < sent
    # The fast client received every access.
    deadline = time.monotonic() + TIMEOUT
    while len(received) < sent and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not errors and len(received) == sent
    assert all(i["type"] == "access" for i in received)
    fast.close()
    slow.close()


def outbox_rows(s, where=""):
    """Outbox rows of guest events (the account emails of signing up left out)."""
    rows = sql_rows(s, "SELECT id, subject, published_at IS NOT NULL FROM guard_outbox"
                       f" {where} ORDER BY id")
    return [r for r in rows if r[1] != "guestguard.account.email"]


def wait_all_published(s):
    deadline = time.monotonic() + TIMEOUT
    while True:
        rows = outbox_rows(s)
        if all(r[2] in ("1", "t") for r in rows):
            return rows
        assert time.monotonic() < deadline, rows
        time.sleep(0.05)


def wait_accesses_fed(s):
    """Waits until the relay's access feed has published every access; returns their count."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        [(count, last)] = sql_rows(s, "SELECT COUNT(*), COALESCE(MAX(id), 0) FROM guard_access_log")
        cursor = sql_rows(s, "SELECT last_id FROM guard_relay_cursor"
                             " WHERE name = 'guestguard.access.scored'")
        # PostgreSQL's cursor starts at the largest id (nothing fed yet).
        if cursor and int(last) > 0 and cursor[0][0] == last:
            return int(count)
        assert time.monotonic() < deadline, (count, last, cursor)
        time.sleep(0.05)


def test_rsvp_and_access_events_go_through_the_outbox(srv):
    _, _, ev, g, link = setup_event(srv)
    assert rsvp_post(srv, link, {"response": "maybe", "plus_ones": 1})[0] == 200
    rows = wait_all_published(srv)
    # The access is not copied into the outbox: the relay feeds it from the access log.
    assert [r[1] for r in rows] == ["guestguard.rsvp.confirmed"]
    assert wait_accesses_fed(srv) == 1
    payload = json.loads(sql_rows(srv, "SELECT payload FROM guard_outbox"
                                       " WHERE subject = 'guestguard.rsvp.confirmed'")[0][0])
    assert payload["event_id"] == ev["id"] and payload["guest_id"] == g["id"]
    assert payload["response"] == "maybe" and payload["plus_ones"] == 1
    assert payload["at"].endswith("Z")


def refuse_rsvp_events(s):
    """Fault injection: the database refuses rsvp.confirmed outbox rows."""
    if s.kind == "sqlite":
        import sqlite3
        with sqlite3.connect(s.sqlite_path) as db:
            db.execute("CREATE TRIGGER refuse BEFORE INSERT ON guard_outbox"
                       " WHEN NEW.subject LIKE '%rsvp.confirmed'"
                       " BEGIN SELECT RAISE(ABORT, 'refused'); END")
        return
    psql(PG_URL, f"SET search_path TO {s.schema};"
                 " CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$"
                 " BEGIN IF NEW.subject LIKE '%rsvp.confirmed' THEN"
                 " RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$;"
                 " CREATE TRIGGER refuse BEFORE INSERT ON guard_outbox"
                 " FOR EACH ROW EXECUTE FUNCTION refuse();")


def test_a_failed_rsvp_leaves_no_outbox_row(srv):
    _, _, ev, _, link = setup_event(srv)
    refuse_rsvp_events(srv)
    status, body = rsvp_post(srv, link, {"response": "yes"})
    # SQLite reports the trigger as a constraint (409), PostgreSQL as an error (500).
    assert status in (409, 500), body
    assert sql_rows(srv, "SELECT COUNT(*) FROM rsvps") == [("0",)]
    assert outbox_rows(srv, "WHERE subject LIKE '%rsvp.confirmed'") == []
    # The access check itself was recorded (and its event published from the access log).
    assert wait_all_published(srv) == []
    assert wait_accesses_fed(srv) == 1


def insert_outbox_rows(s, n):
    """Rows as another process would write them (no notification reaches this one)."""
    values = ", ".join(f"('guestguard.test.other', '{{\"n\": {i}}}', "
                       + ("1" if s.kind == "sqlite" else "now()") + ")" for i in range(n))
    sql = f"INSERT INTO guard_outbox (subject, payload, created_at) VALUES {values}"
    if s.kind == "sqlite":
        import sqlite3
        with sqlite3.connect(s.sqlite_path) as db:
            db.execute(sql)
    else:
        psql(PG_URL, f"SET search_path TO {s.schema}; {sql}")


def test_the_relay_polls_for_rows_other_processes_wrote(make_srv):
    s = make_srv("--outbox-poll-ms", "100")
    insert_outbox_rows(s, 3)
    rows = wait_all_published(s)
    assert len(rows) == 3


def test_sigterm_drains_the_outbox(make_srv):
    s = make_srv("--outbox-poll-ms", "600000")
    time.sleep(0.2)  # Let the relay's first pass find nothing and start waiting.
    insert_outbox_rows(s, 250)  # More than one batch.
    time.sleep(0.3)
    assert len(outbox_rows(s, "WHERE published_at IS NULL")) == 250
    assert s.stop() == 0, s.stderr()
    assert outbox_rows(s, "WHERE published_at IS NULL") == []
    assert len(outbox_rows(s)) == 250
    assert '"msg":"outbox drained"' in s.stderr()


def test_sigterm_closes_open_monitors(srv):
    token, _, ev, _, _ = setup_event(srv)
    ws = monitor(srv, ev["id"], ticket(srv, token, ev["id"]))
    srv.proc.send_signal(15)
    with pytest.raises(Closed) as info:
        ws.recv()
    assert info.value.code in (1001, None)
    ws.close()
    assert srv.proc.wait(timeout=TIMEOUT) == 0


def test_idle_clients_are_pinged_and_silent_ones_closed(make_srv):
    s = make_srv("--ws-idle-timeout-ms", "600")
    token, _, ev, _, link = setup_event(s)
    live = monitor(s, ev["id"], ticket(s, token, ev["id"]), timeout=0.2)
    silent = monitor(s, ev["id"], ticket(s, token, ev["id"]))
    # recv() answers pings: 2 s (over three idle timeouts) without a message, still open.
    end = time.monotonic() + 2
    while time.monotonic() < end:
        with pytest.raises(socket.timeout):
            live.recv()
    live.sock.settimeout(TIMEOUT)
    assert rsvp_get(s, link)[0] == 200
    assert json.loads(live.recv())["type"] == "access"
    # The client that never answered was closed after 600 ms of silence.
    with pytest.raises(Closed):
        while True:
            silent.recv()
    live.close()
