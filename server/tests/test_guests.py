"""End-to-end tests of guests (/events/{id}/guests...), guest links and the
guest side (/rsvp/{token}).

Parametrised over SQLite and PostgreSQL like test_events.py (PostgreSQL runs in
a fresh schema and is skipped when GUESTGUARD_TEST_POSTGRES_URL is unset).
Stdlib only.
"""
import json
import sqlite3

from test_accounts import PG_URL, call, error_of, psql
from test_events import add_member, create, user
from test_http import Server

BROWSER = {
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Accept-Language": "en-GB,en;q=0.9",
    "X-Device-Fingerprint": "fp-3f9a1c0d7e2b4a68",
}
BROWSER_SIGNALS = {"fingerprint": BROWSER["X-Device-Fingerprint"],
                   "user_agent": BROWSER["User-Agent"], "language": "en-GB",
                   "timezone": "Europe/London", "screen": "1920x1080", "platform": "Linux"}
GUEST_KEYS = {"id", "event_id", "name", "email", "phone", "plus_ones_allowed", "created_at",
              "link_issued_at"}
DECISION_KEYS = {"score", "band", "label", "allowlisted", "reasons", "access_log_id"}
UNIFORM_404 = {"error": {"code": "not_found", "message": "invitation not found"}}


SUMMARY = {"rsvp": None, "latest_band": None, "checked_in": False}


def listing(guests, summaries=None):
    """A GET .../guests answer (one page) holding `guests`, each with its
    summary (none by default: no reply, no access yet)."""
    summaries = summaries or [{}] * len(guests)
    return {"guests": [{**g, **SUMMARY, **s} for g, s in zip(guests, summaries)],
            "total": len(guests)}


def add_guest(s, token, event_id, **fields):
    body = {"name": "Grace Hopper", **fields}
    status, _, guest = call(s, "POST", f"/events/{event_id}/guests", body, token=token)
    assert status == 201, guest
    return guest


def issue(s, token, event_id, guest_id, rotate=False):
    path = f"/events/{event_id}/guests/{guest_id}/token" + ("/rotate" if rotate else "")
    status, _, body = call(s, "POST", path, token=token)
    assert status == 201, body
    assert set(body) == {"token", "link"}
    return body


def rsvp_get(s, guest_token, headers=BROWSER):
    """GET /rsvp/{token} as a client asking for JSON (a browser gets the page)."""
    status, _, payload = s.request("GET", f"/rsvp/{guest_token}",
                                   headers={"Accept": "application/json", **headers})
    return status, (json.loads(payload) if payload else None)


def rsvp_post(s, guest_token, body, headers=BROWSER):
    hdrs = {**headers, "Content-Type": "application/json"}
    status, _, payload = s.request("POST", f"/rsvp/{guest_token}", body=json.dumps(body),
                                   headers=hdrs)
    return status, (json.loads(payload) if payload else None)


def codes(decision):
    return [r["code"] for r in decision["reasons"]]


def last_access(s, token, event_id):
    """The event's newest access as hosts see it in activity (guests never do)."""
    status, _, body = call(s, "GET", f"/events/{event_id}/activity?limit=100", token=token)
    assert status == 200, body
    return next(i for i in body["items"] if i["type"] == "access")


def last_decision(s, token, event_id):
    return last_access(s, token, event_id)["decision"]


def test_guest_crud(srv):
    token, _ = user(srv, "alice@example.com")
    ev = create(srv, token)
    g = add_guest(srv, token, ev["id"], email=" Grace@Example.COM ", phone="+44 20 7946 0000",
                  plus_ones_allowed=2)
    assert set(g) == GUEST_KEYS
    assert g["id"].isdigit() and g["event_id"] == ev["id"]
    assert g["name"] == "Grace Hopper" and g["email"] == "grace@example.com"
    assert g["phone"] == "+44 20 7946 0000" and g["plus_ones_allowed"] == 2
    assert g["created_at"].endswith("Z")
    minimal = add_guest(srv, token, ev["id"], name="  Ada  ")
    assert minimal["name"] == "Ada" and minimal["email"] == "" and minimal["phone"] == ""
    assert minimal["plus_ones_allowed"] == 0

    base = f"/events/{ev['id']}/guests"
    status, _, got = call(srv, "GET", f"{base}/{g['id']}", token=token)
    assert status == 200 and got == g
    status, _, listed = call(srv, "GET", base, token=token)
    assert status == 200 and listed == listing([g, minimal])

    status, _, patched = call(srv, "PATCH", f"{base}/{g['id']}",
                              {"name": "Rear Admiral Hopper", "email": None,
                               "plus_ones_allowed": 0}, token=token)
    assert status == 200, patched
    assert patched == {**g, "name": "Rear Admiral Hopper", "email": "", "plus_ones_allowed": 0}
    status, _, body = call(srv, "PATCH", f"{base}/{g['id']}", {}, token=token)
    error_of(status, body, 400, "invalid_argument")

    status, body = call(srv, "DELETE", f"{base}/{g['id']}", token=token)[0::2]
    assert status == 204 and body is None
    for method in ("GET", "DELETE"):
        status, _, body = call(srv, method, f"{base}/{g['id']}", token=token)
        error_of(status, body, 404, "not_found")
    status, _, listed = call(srv, "GET", base, token=token)
    assert status == 200 and listed == listing([minimal])


def test_an_email_names_at_most_one_guest_of_an_event(srv):
    token, _ = user(srv, "alice@example.com")
    ev, other = create(srv, token), create(srv, token)
    g = add_guest(srv, token, ev["id"], email="grace@example.com")
    base = f"/events/{ev['id']}/guests"
    status, _, body = call(srv, "POST", base, {"name": "Impostor", "email": "GRACE@example.com"},
                           token=token)
    error_of(status, body, 409, "already_exists")
    assert body["error"]["message"] == "email is already used by a guest of this event"
    ada = add_guest(srv, token, ev["id"], name="Ada", email="ada@example.com")
    status, _, body = call(srv, "PATCH", f"{base}/{ada['id']}", {"email": "grace@example.com"},
                           token=token)
    error_of(status, body, 409, "already_exists")
    # Empty emails never collide, and another event may hold the same email.
    add_guest(srv, token, ev["id"], name="No email 1")
    add_guest(srv, token, ev["id"], name="No email 2")
    assert add_guest(srv, token, other["id"], email="grace@example.com")["email"] == g["email"]
    status, _, listed = call(srv, "GET", base, token=token)
    assert [x["email"] for x in listed["guests"]] == [
        "grace@example.com", "ada@example.com", "", ""]


def test_lowering_the_allowance_trims_the_rsvp(srv):
    token, _ = user(srv, "alice@example.com")
    ev = create(srv, token)
    g = add_guest(srv, token, ev["id"], plus_ones_allowed=3)
    link = issue(srv, token, ev["id"], g["id"])["token"]
    status, answer = rsvp_post(srv, link, {"response": "yes", "plus_ones": 3,
                                           "signals": BROWSER_SIGNALS})
    assert status == 200, answer
    status, _, patched = call(srv, "PATCH", f"/events/{ev['id']}/guests/{g['id']}",
                              {"plus_ones_allowed": 1}, token=token)
    assert status == 200 and patched["plus_ones_allowed"] == 1
    status, _, rsvps = call(srv, "GET", f"/events/{ev['id']}/rsvps", token=token)
    assert status == 200 and [r["plus_ones"] for r in rsvps["rsvps"]] == [1]
    status, opened = rsvp_get(srv, link)
    assert status == 200 and opened["rsvp"]["plus_ones"] == 1


def test_guest_validation_is_400(srv):
    token, _ = user(srv, "alice@example.com")
    ev = create(srv, token)
    bad = [{}, {"name": " "}, {"name": "x" * 201}, {"name": 5},
           {"name": "A", "email": "not-an-email"}, {"name": "A", "email": 3},
           {"name": "A", "phone": "1" * 41}, {"name": "A", "plus_ones_allowed": -1},
           {"name": "A", "plus_ones_allowed": 21}, {"name": "A", "plus_ones_allowed": 1.5},
           {"name": "A", "plus_ones_allowed": "2"}]
    for body in bad:
        status, _, answer = call(srv, "POST", f"/events/{ev['id']}/guests", body, token=token)
        error_of(status, answer, 400, "invalid_argument")
    status, _, answer = call(srv, "POST", f"/events/{ev['id']}/guests", raw="{", token=token)
    error_of(status, answer, 400, "invalid_json")


def test_other_events_guests_are_404_and_viewers_cannot_write(srv):
    alice, _ = user(srv, "alice@example.com")
    bob, bob_id = user(srv, "bob@example.com")
    ev1 = create(srv, alice, name="One")
    ev2 = create(srv, alice, name="Two")
    g2 = add_guest(srv, alice, ev2["id"])
    wrong = f"/events/{ev1['id']}/guests/{g2['id']}"
    for method, body in (("GET", None), ("PATCH", {"name": "X"}), ("DELETE", None)):
        status, _, answer = call(srv, method, wrong, body, token=alice)
        error_of(status, answer, 404, "not_found")
    for suffix in ("/token", "/token/rotate"):
        status, _, answer = call(srv, "POST", wrong + suffix, token=alice)
        error_of(status, answer, 404, "not_found")
    status, _, answer = call(srv, "GET", f"/events/{ev1['id']}/guests/abc", token=alice)
    error_of(status, answer, 404, "not_found")

    # Non-members see nothing; viewers read but cannot write.
    base = f"/events/{ev2['id']}/guests"
    status, _, answer = call(srv, "GET", base, token=bob)
    error_of(status, answer, 404, "not_found")
    add_member(srv, ev2["id"], bob_id, "viewer")
    status, _, listed = call(srv, "GET", base, token=bob)
    assert status == 200 and listed == listing([g2])
    writes = [("POST", base, {"name": "Eve"}), ("PATCH", f"{base}/{g2['id']}", {"name": "Eve"}),
              ("DELETE", f"{base}/{g2['id']}", None),
              ("POST", f"{base}/{g2['id']}/token", None),
              ("POST", f"{base}/{g2['id']}/token/rotate", None)]
    for method, path, body in writes:
        status, _, answer = call(srv, method, path, body, token=bob)
        error_of(status, answer, 403, "permission_denied")
    status, _, answer = call(srv, "GET", base)
    error_of(status, answer, 401, "unauthenticated")


def test_link_open_rsvp_and_rotate(srv):
    token, _ = user(srv, "alice@example.com")
    ev = create(srv, token)
    g = add_guest(srv, token, ev["id"], plus_ones_allowed=2)
    issued = issue(srv, token, ev["id"], g["id"])
    assert issued["link"] == f"http://127.0.0.1:{srv.port}/rsvp/{issued['token']}"
    assert len(issued["token"]) <= 128

    status, opened = rsvp_get(srv, issued["token"])
    assert status == 200, opened
    # No oracle: the guest's answer holds no score, band, reason or access id.
    assert set(opened) == {"event", "guest", "rsvp"}
    assert opened["event"] == {"id": ev["id"], "name": ev["name"], "starts_at": ev["starts_at"],
                               "venue": ev["venue"], "description": ev["description"],
                               "host": "alice"}
    assert opened["guest"] == {"id": g["id"], "name": g["name"], "plus_ones_allowed": 2}
    assert opened["rsvp"] is None
    decision = last_decision(srv, token, ev["id"])  # What the host sees.
    assert set(decision) == DECISION_KEYS
    assert decision["band"] == "low" and decision["label"] == "Verified", decision
    assert decision["allowlisted"] is False and isinstance(decision["score"], int)
    assert isinstance(decision["access_log_id"], str) and decision["access_log_id"]
    for r in decision["reasons"]:
        assert set(r) == {"code", "score", "message"}

    status, answer = rsvp_post(srv, issued["token"],
                               {"response": "yes", "plus_ones": 2, "signals": BROWSER_SIGNALS})
    assert status == 200, answer
    assert set(answer) == {"rsvp"}
    assert answer["rsvp"]["response"] == "yes" and answer["rsvp"]["plus_ones"] == 2
    assert answer["rsvp"]["updated_at"].endswith("Z")
    assert set(last_decision(srv, token, ev["id"])) == DECISION_KEYS
    status, opened = rsvp_get(srv, issued["token"])
    assert status == 200 and opened["rsvp"] == answer["rsvp"]

    for body in ({"response": "yes", "plus_ones": 3}, {"response": "yes", "plus_ones": -1},
                 {"response": "perhaps"}, {"plus_ones": 0}, {"response": "no", "plus_ones": 1},
                 {"response": "yes", "plus_ones": "1"}):
        status, answer = rsvp_post(srv, issued["token"], {**body, "signals": BROWSER_SIGNALS})
        error_of(status, answer, 400, "invalid_argument")
    status, opened = rsvp_get(srv, issued["token"])
    assert status == 200 and opened["rsvp"]["plus_ones"] == 2  # Unchanged by the 400s.

    rotated = issue(srv, token, ev["id"], g["id"], rotate=True)
    assert rotated["token"] != issued["token"]
    status, answer = rsvp_get(srv, issued["token"])
    assert status == 404 and answer == UNIFORM_404
    status, answer = rsvp_post(srv, issued["token"], {"response": "no"})
    assert status == 404 and answer == UNIFORM_404
    status, opened = rsvp_get(srv, rotated["token"])
    assert status == 200 and opened["rsvp"]["response"] == "yes"


def test_bad_tokens_are_one_uniform_404(srv):
    token, _ = user(srv, "alice@example.com")
    ev = create(srv, token)
    g = add_guest(srv, token, ev["id"])
    good = issue(srv, token, ev["id"], g["id"])["token"]
    head, payload, tag = good.split(".")
    flipped = tag[:-2] + ("AA" if tag[-2:] != "AA" else "BB")
    for bad in ("garbage", "gg1.x.y", f"{head}.{payload}.{flipped}", "a" * 200):
        for method in ("GET", "POST"):
            if method == "GET":
                status, answer = rsvp_get(srv, bad)
            else:
                status, answer = rsvp_post(srv, bad, {"response": "yes"})
            assert status == 404 and answer == UNIFORM_404, (bad, method, answer)
    # A deleted guest's link answers the same.
    status, _, _ = call(srv, "DELETE", f"/events/{ev['id']}/guests/{g['id']}", token=token)
    assert status == 204
    status, answer = rsvp_get(srv, good)
    assert status == 404 and answer == UNIFORM_404


def sql_rows(s, query):
    """Rows of `query` (text values) on the server's database."""
    if s.kind == "sqlite":
        with sqlite3.connect(s.sqlite_path) as db:
            return [tuple(str(v) for v in row) for row in db.execute(query).fetchall()]
    out = psql(PG_URL, f"SET search_path TO {s.schema}; {query}")
    return [tuple(line.split("|")) for line in out.splitlines() if line and line != "SET"]


CURL = {"User-Agent": "curl/8.4.0"}


def test_automation_user_agent_is_refused_even_with_the_guests_fingerprint(srv):
    """curl with the guest's fingerprint and language: an automation user agent
    is conclusive on its own, so refused (DESIGN §2.4, DETECTION.md F4)."""
    token, _ = user(srv, "alice@example.com")
    ev = create(srv, token)
    g = add_guest(srv, token, ev["id"])
    link_token = issue(srv, token, ev["id"], g["id"])["token"]
    status, opened = rsvp_get(srv, link_token)
    assert status == 200 and last_decision(srv, token, ev["id"])["band"] == "low", opened
    headers = {**CURL, "Accept-Language": BROWSER["Accept-Language"],
               "X-Device-Fingerprint": BROWSER["X-Device-Fingerprint"]}
    status, answer = rsvp_get(srv, link_token, headers=headers)
    assert status == 403 and answer["error"]["code"] == "refused", answer
    decision = last_decision(srv, token, ev["id"])
    assert decision["band"] != "low", decision
    assert decision["label"] != "Verified"
    assert "automation_user_agent" in codes(decision)


def test_blocked_access_is_refused_and_recorded(srv):
    token, _ = user(srv, "alice@example.com")
    ev = create(srv, token)
    g = add_guest(srv, token, ev["id"], plus_ones_allowed=1)
    link_token = issue(srv, token, ev["id"], g["id"])["token"]
    status, opened = rsvp_get(srv, link_token)
    assert status == 200 and last_decision(srv, token, ev["id"])["band"] == "low", opened
    refused = {"error": {"code": "refused", "message": "this invitation cannot be used right now"}}
    # curl, no fingerprint, same loopback IP after a browser visit.
    status, answer = rsvp_get(srv, link_token, headers=CURL)
    assert status == 403 and answer == refused
    status, answer = rsvp_post(srv, link_token, {"response": "yes", "plus_ones": 1}, headers=CURL)
    assert status == 403 and answer == refused
    status, opened = rsvp_get(srv, link_token)
    assert status == 200 and opened["rsvp"] is None  # The refused RSVP wrote nothing.
    rows = sql_rows(srv, "SELECT kind, band, CASE WHEN reasons LIKE '%automation_user_agent%'"
                         " THEN 'yes' ELSE 'no' END FROM guard_access_log"
                         f" WHERE event_id = '{int(ev['id'])}' AND band = 'block' ORDER BY id")
    assert rows == [("open", "block", "yes"), ("rsvp", "block", "yes")]


def test_public_url_flag_sets_the_link_base():
    s = Server(["--public-url", "https://rsvp.example.test/"])
    try:
        token, _ = user(s, "alice@example.com")
        ev = create(s, token)
        g = add_guest(s, token, ev["id"])
        issued = issue(s, token, ev["id"], g["id"])
        assert issued["link"] == "https://rsvp.example.test/rsvp/" + issued["token"]
        assert s.stop() == 0, s.stderr()
    finally:
        s.close()
