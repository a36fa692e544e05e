"""End-to-end tests of check-in (POST /checkin/{token}), bulk token issue
(POST /events/{id}/tokens/bulk) and the RSVP list (GET /events/{id}/rsvps).

Parametrised over SQLite and PostgreSQL like test_guests.py. Stdlib only.
"""
import json

from test_accounts import call, error_of
from test_events import add_member, create, user
from test_guests import (BROWSER, BROWSER_SIGNALS, DECISION_KEYS, UNIFORM_404, add_guest, issue,
                         last_decision, rsvp_post)


def checkin(s, guest_token, body=None, headers=BROWSER):
    hdrs = {**headers, "Content-Type": "application/json"}
    raw = "" if body is None else json.dumps(body)
    status, _, payload = s.request("POST", f"/checkin/{guest_token}", body=raw, headers=hdrs)
    return status, (json.loads(payload) if payload else None)


def bulk(s, token, event_id):
    status, _, body = call(s, "POST", f"/events/{event_id}/tokens/bulk", token=token)
    assert status == 200, body
    assert set(body) == {"issued"}
    return body["issued"]


def test_checkin_scores_and_rotated_token_is_404(srv):
    token, _ = user(srv, "alice@example.com")
    ev = create(srv, token)
    g = add_guest(srv, token, ev["id"])
    issued = issue(srv, token, ev["id"], g["id"])

    status, answer = checkin(srv, issued["token"], {"signals": BROWSER_SIGNALS})
    assert status == 200, answer
    assert answer == {"checked_in": True}  # No oracle: hosts see the decision.
    decision = last_decision(srv, token, ev["id"])
    assert set(decision) == DECISION_KEYS and decision["band"] == "low", decision
    status, answer = checkin(srv, issued["token"])  # No body: headers only.
    assert status == 200 and answer == {"checked_in": True}, answer
    assert last_decision(srv, token, ev["id"])["band"] == "low"
    status, answer = checkin(srv, issued["token"], {"signals": "nope"})
    error_of(status, answer, 400, "invalid_argument")

    rotated = issue(srv, token, ev["id"], g["id"], rotate=True)
    status, answer = checkin(srv, issued["token"], {"signals": BROWSER_SIGNALS})
    assert status == 404 and answer == UNIFORM_404
    status, answer = checkin(srv, "garbage")
    assert status == 404 and answer == UNIFORM_404
    status, answer = checkin(srv, rotated["token"], {"signals": BROWSER_SIGNALS})
    assert status == 200 and answer == {"checked_in": True}, answer
    assert last_decision(srv, token, ev["id"])["band"] == "low"


def test_checkin_blocked_is_refused(srv):
    token, _ = user(srv, "alice@example.com")
    ev = create(srv, token)
    g = add_guest(srv, token, ev["id"])
    link_token = issue(srv, token, ev["id"], g["id"])["token"]
    assert checkin(srv, link_token)[0] == 200
    status, answer = checkin(srv, link_token, headers={"User-Agent": "curl/8.4.0"})
    assert status == 403, answer
    assert answer == {"error": {"code": "refused",
                                "message": "this invitation cannot be used right now"}}


def test_bulk_issues_only_to_guests_without_tokens(srv):
    token, _ = user(srv, "alice@example.com")
    ev = create(srv, token)
    g1 = add_guest(srv, token, ev["id"], name="One")
    g2 = add_guest(srv, token, ev["id"], name="Two")
    g3 = add_guest(srv, token, ev["id"], name="Three")
    issue(srv, token, ev["id"], g2["id"])  # Given a link individually: skipped.

    issued = bulk(srv, token, ev["id"])
    assert [i["guest_id"] for i in issued] == [g1["id"], g3["id"]]
    for item in issued:
        assert set(item) == {"guest_id", "token", "link"}
        assert item["link"] == f"http://127.0.0.1:{srv.port}/rsvp/{item['token']}"
        status, answer = checkin(srv, item["token"])
        assert status == 200, answer
    assert bulk(srv, token, ev["id"]) == []

    g4 = add_guest(srv, token, ev["id"], name="Four")
    assert [i["guest_id"] for i in bulk(srv, token, ev["id"])] == [g4["id"]]
    # Another event's guests are never touched.
    other = create(srv, token, name="Other")
    assert bulk(srv, token, other["id"]) == []


def test_bulk_needs_editor(srv):
    alice, _ = user(srv, "alice@example.com")
    bob, bob_id = user(srv, "bob@example.com")
    ev = create(srv, alice)
    add_guest(srv, alice, ev["id"])
    path = f"/events/{ev['id']}/tokens/bulk"
    status, _, answer = call(srv, "POST", path, token=bob)
    error_of(status, answer, 404, "not_found")
    add_member(srv, ev["id"], bob_id, "viewer")
    status, _, answer = call(srv, "POST", path, token=bob)
    error_of(status, answer, 403, "permission_denied")
    status, _, answer = call(srv, "POST", path)
    error_of(status, answer, 401, "unauthenticated")
    carol, carol_id = user(srv, "carol@example.com")
    add_member(srv, ev["id"], carol_id, "editor")
    assert len(bulk(srv, carol, ev["id"])) == 1


def test_rsvp_list_and_filter(srv):
    alice, _ = user(srv, "alice@example.com")
    bob, bob_id = user(srv, "bob@example.com")
    ev = create(srv, alice)
    guests = [add_guest(srv, alice, ev["id"], name=n, plus_ones_allowed=1)
              for n in ("Ann", "Ben", "Cat", "Dan")]
    answers = [("yes", 1), ("no", 0), ("yes", 0)]
    recorded = {}
    for g, (response, plus_ones) in zip(guests, answers):
        link_token = issue(srv, alice, ev["id"], g["id"])["token"]
        status, answer = rsvp_post(srv, link_token, {"response": response,
                                                     "plus_ones": plus_ones,
                                                     "signals": BROWSER_SIGNALS})
        assert status == 200, answer
        recorded[g["id"]] = answer["rsvp"]

    def expected(g):
        r = recorded[g["id"]]
        return {"guest_id": g["id"], "guest_name": g["name"], "response": r["response"],
                "plus_ones": r["plus_ones"], "updated_at": r["updated_at"]}

    add_member(srv, ev["id"], bob_id, "viewer")
    base = f"/events/{ev['id']}/rsvps"
    status, _, listed = call(srv, "GET", base, token=bob)
    assert status == 200, listed
    counts = {"yes": 2, "no": 1, "maybe": 0, "none": len(guests) - 3,
              "heads": sum(1 + recorded[g["id"]]["plus_ones"] for g in guests
                           if recorded.get(g["id"], {}).get("response") == "yes"),
              "maybe_heads": 0}
    assert listed == {"rsvps": [expected(guests[2]), expected(guests[1]), expected(guests[0])],
                      "counts": counts}
    status, _, listed = call(srv, "GET", base + "?response=yes", token=bob)
    assert status == 200 and listed == {"rsvps": [expected(guests[2]), expected(guests[0])],
                                        "counts": counts}
    status, _, listed = call(srv, "GET", base + "?response=maybe", token=bob)
    assert status == 200 and listed == {"rsvps": [], "counts": counts}
    for bad in ("perhaps", "", "YES"):
        status, _, answer = call(srv, "GET", f"{base}?response={bad}", token=bob)
        error_of(status, answer, 400, "invalid_argument")
    other = create(srv, alice, name="Other")
    status, _, listed = call(srv, "GET", f"/events/{other['id']}/rsvps", token=alice)
    assert status == 200 and listed == {"rsvps": [], "counts": {
        "yes": 0, "no": 0, "maybe": 0, "none": 0, "heads": 0, "maybe_heads": 0}}
    status, _, answer = call(srv, "GET", f"/events/{other['id']}/rsvps", token=bob)
    error_of(status, answer, 404, "not_found")
