"""The door role and the door view's endpoints: GET /events/{id}/door,
GET /events/{id}/door/guests?q= and POST /events/{id}/door/verify.

Door staff (role "door") see the door view and check-ins of their event and
nothing else; the authorization matrix (test_authz_matrix.py) covers every
route, these tests the answers. Passes are taken the way the guest page takes
them (GET /rsvp/{token} as JSON with the device's signal headers).
Parametrised over SQLite and PostgreSQL like test_events.py. Stdlib only.
"""
import base64
import datetime
import hashlib
import hmac
import json
import time

from test_accounts import call, error_of
from test_collaborators import accept, invite
from test_events import add_member, create, user
from test_guests import BROWSER, BROWSER_SIGNALS, add_guest, issue

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def pass_code(secret_b64url, at_seconds):
    secret = base64.urlsafe_b64decode(secret_b64url + "=" * (-len(secret_b64url) % 4))
    mac = hmac.new(secret, f"ggpass1:{int(at_seconds // 30)}".encode(), hashlib.sha256).digest()
    bits = int.from_bytes(mac[:5], "big")
    return "".join(CROCKFORD[(bits >> (5 * i)) & 31] for i in range(7, -1, -1))


def device_pass(s, token, fingerprint):
    status, _, body = s.request("GET", f"/rsvp/{token}", headers={
        "Accept": "application/json",
        "User-Agent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
                      "(KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
        "Accept-Language": "en-GB", "X-Device-Fingerprint": fingerprint,
        "X-Device-Timezone": "Europe/London", "X-Device-Screen": "412x915x24",
        "X-Device-Platform": "Android;hc=8;dm=8;tp=5"})
    assert status == 200, body
    answer = json.loads(body)
    assert answer.get("pass"), answer
    return answer["pass"]["secret"]


def verify(s, session, event_id, code):
    status, _, body = call(s, "POST", f"/events/{event_id}/door/verify", {"code": code},
                           token=session)
    assert status == 200, body
    return body


def door_event(s):
    owner, _ = user(s, "owner@example.com")
    soon = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
    ev = create(s, owner, starts_at=soon.strftime("%Y-%m-%dT%H:%M:%SZ"))
    door, door_id = user(s, "door@example.com")
    add_member(s, ev["id"], door_id, "door")
    return owner, door, ev


def test_door_staff_admit_passes_see_arrivals_and_nothing_else(srv):
    owner, door, ev = door_event(srv)
    guest = add_guest(srv, owner, ev["id"], name="Grace Hopper", email="grace@example.com",
                      plus_ones_allowed=1)
    add_guest(srv, owner, ev["id"], name="Ada Lovelace")
    token = issue(srv, owner, ev["id"], guest["id"])["token"]
    status, _, body = srv.request("POST", f"/rsvp/{token}", body=json.dumps(
        {"response": "yes", "plus_ones": 1, "signals": BROWSER_SIGNALS}),
        headers={**BROWSER, "Content-Type": "application/json"})
    assert status == 200, body

    status, _, view = call(srv, "GET", f"/events/{ev['id']}/door", token=door)
    assert status == 200, view
    assert view["your_role"] == "door" and view["event"]["name"] == ev["name"]
    assert view["arrivals"] == {"admitted": 0, "guests_arrived": 0, "expected": 2, "guests": 2}

    first = verify(srv, door, ev["id"], pass_code(device_pass(srv, token, "a" * 64), time.time()))
    assert first["admitted"] is True and first["guest"]["name"] == "Grace Hopper", first
    assert first["arrivals"] == {"admitted": 1, "places": 2}
    second = verify(srv, door, ev["id"], pass_code(device_pass(srv, token, "b" * 64), time.time()))
    assert second["admitted"] is True and second["arrivals"] == {"admitted": 2, "places": 2}
    surplus = verify(srv, door, ev["id"],
                     pass_code(device_pass(srv, token, "c" * 64), time.time()))
    assert surplus["admitted"] is False and surplus["reason"] == "checkin_limit", surplus
    assert surplus["arrivals"] == {"admitted": 2, "places": 2}

    status, _, view = call(srv, "GET", f"/events/{ev['id']}/door", token=door)
    assert view["arrivals"] == {"admitted": 2, "guests_arrived": 1, "expected": 2, "guests": 2}

    status, _, found = call(srv, "GET", f"/events/{ev['id']}/door/guests?q=gRACE", token=door)
    assert status == 200, found
    assert found["guests"] == [{"id": guest["id"], "name": "Grace Hopper", "plus_ones_allowed": 1,
                                "admitted": 2, "rsvp": {"response": "yes", "plus_ones": 1}}]
    assert "grace@example.com" not in json.dumps(found)  # Names only, never contacts.
    status, _, found = call(srv, "GET", f"/events/{ev['id']}/door/guests?q=love", token=door)
    assert [g["name"] for g in found["guests"]] == ["Ada Lovelace"]
    assert found["guests"][0]["rsvp"] is None and found["guests"][0]["admitted"] == 0
    # LIKE wildcards are plain characters.
    for q in ("%25", "_", "!"):
        status, _, found = call(srv, "GET", f"/events/{ev['id']}/door/guests?q={q}", token=door)
        assert status == 200 and found["guests"] == [], (q, found)
    for q in ("", "%20%20", "x" * 101):
        status, _, body = call(srv, "GET", f"/events/{ev['id']}/door/guests?q={q}", token=door)
        error_of(status, body, 400, "invalid_argument")

    # Everything else: 403 for door staff (they are members, so not 404).
    for method, path in [("GET", ""), ("GET", "/guests"), ("GET", "/activity"),
                         ("GET", "/rsvps"), ("GET", "/collaborators"),
                         ("GET", "/security/thresholds"), ("POST", "/ws-ticket"),
                         ("GET", "/notifications"), ("PATCH", "")]:
        status, _, body = call(srv, method, f"/events/{ev['id']}{path}",
                               {"venue": "x"} if method == "PATCH" else None, token=door)
        assert status == 403, (method, path, body)
    # Their events list names the role, so the console can open the door view.
    status, _, events = call(srv, "GET", "/events", token=door)
    assert [(e["id"], e["your_role"]) for e in events["events"]] == [(ev["id"], "door")]


def test_viewers_read_the_door_view_but_only_door_staff_and_editors_check_in(srv):
    owner, door, ev = door_event(srv)
    viewer, viewer_id = user(srv, "viewer@example.com")
    add_member(srv, ev["id"], viewer_id, "viewer")
    stranger, _ = user(srv, "stranger@example.com")
    status, _, _ = call(srv, "GET", f"/events/{ev['id']}/door", token=viewer)
    assert status == 200
    status, _, body = call(srv, "POST", f"/events/{ev['id']}/door/verify", {"code": "0000-0000"},
                           token=viewer)
    error_of(status, body, 403, "permission_denied")
    for session in (owner, door):
        refused = verify(srv, session, ev["id"], "0000-0000")
        assert refused["admitted"] is False and refused["reason"] == "code_not_valid"
    for path in ("/door", "/door/guests?q=a"):
        status, _, body = call(srv, "GET", f"/events/{ev['id']}{path}", token=stranger)
        error_of(status, body, 404, "not_found")


def test_a_collaborator_invite_can_grant_the_door_role(srv):
    owner, _, ev = door_event(srv)
    body, token = invite(srv, owner, ev["id"], "bouncer@example.com", role="door")
    assert body["role"] == "door"
    status, _, team = call(srv, "GET", f"/events/{ev['id']}/collaborators", token=owner)
    assert [p["role"] for p in team["pending"]] == ["door"]
    bouncer, _ = user(srv, "bouncer@example.com")
    status, body = accept(srv, token, bouncer)
    assert status == 200, body
    status, _, view = call(srv, "GET", f"/events/{ev['id']}/door", token=bouncer)
    assert status == 200 and view["your_role"] == "door"
    status, _, _ = call(srv, "GET", f"/events/{ev['id']}/guests", token=bouncer)
    assert status == 403
    status, _, body = call(srv, "POST", f"/events/{ev['id']}/collaborators",
                           {"email": "x@example.com", "role": "admin"}, token=owner)
    error_of(status, body, 400, "invalid_argument")
    assert '"door"' in body["error"]["message"]
