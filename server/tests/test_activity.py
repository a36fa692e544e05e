"""End-to-end tests of GET /events/{id}/activity, the per-IP rate limit on the
guest endpoints and client IPs behind trusted proxies (X-Forwarded-For).

Parametrised over SQLite and PostgreSQL like test_guests.py. Stdlib only.
"""
import subprocess
import urllib.parse

from test_accounts import call, error_of
from test_events import add_member, create, user
from test_guests import (BROWSER, CURL, add_guest, codes, issue, last_decision, rsvp_get,
                         rsvp_post)
from test_http import BIN, Server

LABELS = {"low": "Verified", "medium": "Review", "high": "Suspicious", "block": "Blocked"}
DECISION_KEYS = {"score", "band", "label", "allowlisted", "reasons", "access_log_id"}


def activity(s, token, event_id, **query):
    path = f"/events/{event_id}/activity"
    if query:
        path += "?" + urllib.parse.urlencode(query)
    return call(s, "GET", path, token=token)


def scenario(s):
    """A browser open, a browser RSVP and a blocked curl open of one guest."""
    token, _ = user(s, "alice@example.com")
    ev = create(s, token)
    g = add_guest(s, token, ev["id"], name="Grace Hopper", plus_ones_allowed=1)
    link = issue(s, token, ev["id"], g["id"])["token"]
    # Guests never see the decision: the host's view of each access is kept
    # beside the guest's answer for the assertions below.
    status, opened = rsvp_get(s, link)
    assert status == 200 and "decision" not in opened, opened
    opened = {**opened, "decision": last_decision(s, token, ev["id"])}
    assert opened["decision"]["band"] == "low", opened
    status, answered = rsvp_post(s, link, {"response": "yes", "plus_ones": 1})
    assert status == 200 and set(answered) == {"rsvp"}, answered
    answered = {**answered, "decision": last_decision(s, token, ev["id"])}
    status, _ = rsvp_get(s, link, headers=CURL)
    assert status == 403
    return token, ev, g, opened, answered


def test_activity_lists_rsvps_and_accesses_newest_first(srv):
    token, ev, g, opened, answered = scenario(srv)
    status, _, page = activity(srv, token, ev["id"])
    assert status == 200, page
    assert set(page) == {"items", "next_cursor"} and page["next_cursor"] is None
    items = page["items"]
    assert [(i["type"], i.get("kind")) for i in items] == [
        ("access", "open"), ("rsvp", None), ("access", "rsvp"), ("access", "open")]
    ats = [i["at"] for i in items]
    assert all(a.endswith("Z") for a in ats) and ats == sorted(ats, reverse=True)
    for item in items:
        assert item["guest_id"] == g["id"] and item["guest_name"] == "Grace Hopper"
    blocked, rsvp, rsvp_access, first_open = items
    assert rsvp["response"] == "yes" and rsvp["plus_ones"] == 1 and rsvp["decision"] is None
    for item in (blocked, rsvp_access, first_open):
        d = item["decision"]
        assert set(d) == DECISION_KEYS and d["label"] == LABELS[d["band"]]
        assert item["client_ip"] == "127.0.0.1"
    assert blocked["decision"]["band"] == "block" and blocked["decision"]["label"] == "Blocked"
    assert "automation_user_agent" in codes(blocked["decision"])
    assert first_open["decision"] == opened["decision"]
    assert rsvp_access["decision"] == answered["decision"]


def test_activity_pagination_walks_every_item_once(srv):
    token, ev, _, _, _ = scenario(srv)
    _, _, full = activity(srv, token, ev["id"])
    seen, cursor = [], None
    for _ in range(10):
        query = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        status, _, page = activity(srv, token, ev["id"], **query)
        assert status == 200, page
        assert len(page["items"]) == 1
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == full["items"] and len(seen) == 4
    status, _, page = activity(srv, token, ev["id"], limit=3)
    assert page["items"] == full["items"][:3] and page["next_cursor"]
    status, _, rest = activity(srv, token, ev["id"], limit=3, cursor=page["next_cursor"])
    assert rest == {"items": full["items"][3:], "next_cursor": None}


def test_activity_of_one_guest_is_their_timeline(srv):
    token, ev, g, _, _ = scenario(srv)
    other = add_guest(srv, token, ev["id"], name="Ada Lovelace")
    link = issue(srv, token, ev["id"], other["id"])["token"]
    status, _ = rsvp_post(srv, link, {"response": "no", "plus_ones": 0})
    assert status == 200
    _, _, everything = activity(srv, token, ev["id"])
    assert len(everything["items"]) == 6
    status, _, mine = activity(srv, token, ev["id"], guest_id=g["id"])
    assert status == 200 and [i for i in everything["items"] if i["guest_id"] == g["id"]] == \
        mine["items"] and len(mine["items"]) == 4
    status, _, page = activity(srv, token, ev["id"], guest_id=other["id"], limit=1)
    assert [i["type"] for i in page["items"]] == ["rsvp"] and page["next_cursor"]
    status, _, rest = activity(srv, token, ev["id"], guest_id=other["id"],
                               cursor=page["next_cursor"])
    assert [i["type"] for i in rest["items"]] == ["access"] and rest["next_cursor"] is None
    status, _, none = activity(srv, token, ev["id"], guest_id="999999")
    assert status == 200 and none["items"] == []
    for bad in ("x", "0", "-1", ""):
        status, _, answer = activity(srv, token, ev["id"], guest_id=bad)
        error_of(status, answer, 400, "invalid_argument")


def test_activity_rejects_bad_queries_and_hides_the_event(srv):
    token, ev, _, _, _ = scenario(srv)
    for query in ({"cursor": "nope!"}, {"cursor": "bm9wZQ"}, {"cursor": ""},
                  {"limit": 0}, {"limit": 101}, {"limit": "x"}):
        status, _, answer = activity(srv, token, ev["id"], **query)
        error_of(status, answer, 400, "invalid_argument")
    other, other_id = user(srv, "mallory@example.com")
    status, _, answer = activity(srv, other, ev["id"])
    error_of(status, answer, 404, "not_found")
    add_member(srv, ev["id"], other_id, "viewer")
    status, _, page = activity(srv, other, ev["id"])
    assert status == 200 and len(page["items"]) == 4
    status, _, answer = call(srv, "GET", f"/events/{ev['id']}/activity")
    assert status == 401


def test_guest_endpoints_are_rate_limited_per_ip():
    s = Server(["--rate-limit-burst", "3", "--rate-limit-per-minute", "6",
                "--trusted-proxies", "127.0.0.1/32"])
    json_accept = {"Accept": "application/json"}
    try:
        for _ in range(3):
            status, _, _ = s.request("GET", "/rsvp/garbage", headers=json_accept)
            assert status == 404
        status, headers, body = s.request("GET", "/rsvp/garbage", headers=json_accept)
        assert status == 429, body
        assert int(headers["retry-after"]) >= 1
        assert b'"code":"rate_limited"' in body
        status, _, _ = s.request("POST", "/checkin/garbage", body="{}")
        assert status == 429
        # Other endpoints and other (proxied) clients are unaffected; so is the
        # guest page itself (static, never scored).
        assert s.request("GET", "/healthz")[0] == 200
        assert s.request("GET", "/rsvp/garbage", headers={"Accept": "text/html"})[0] == 200
        status, _, _ = s.request("GET", "/rsvp/garbage",
                                 headers={"X-Forwarded-For": "203.0.113.5", **json_accept})
        assert status == 404
    finally:
        assert s.stop() == 0, s.stderr()
        s.close()


def access_ip(s, headers):
    token, _ = user(s, "alice@example.com")
    ev = create(s, token)
    g = add_guest(s, token, ev["id"])
    link = issue(s, token, ev["id"], g["id"])["token"]
    status, _ = rsvp_get(s, link, headers={**BROWSER, **headers})
    assert status == 200
    _, _, page = activity(s, token, ev["id"])
    return page["items"][0]["client_ip"]


def test_forwarded_for_is_ignored_without_trusted_proxies():
    s = Server()
    try:
        assert access_ip(s, {"X-Forwarded-For": "203.0.113.9"}) == "127.0.0.1"
    finally:
        assert s.stop() == 0, s.stderr()
        s.close()


def test_forwarded_for_is_used_from_a_trusted_proxy():
    s = Server(["--trusted-proxies", "127.0.0.1/32,10.0.0.0/8"])
    try:
        assert access_ip(s, {"X-Forwarded-For": "198.51.100.1, 203.0.113.9, 10.1.1.1"}) \
            == "203.0.113.9"
    finally:
        assert s.stop() == 0, s.stderr()
        s.close()


def test_invalid_trusted_proxies_exit_2():
    for args, env in ((["--trusted-proxies", "10.0.0.0/33"], {}),
                      ([], {"GUESTGUARD_TRUSTED_PROXIES": "proxy.example"})):
        out = subprocess.run([BIN, *args], env=env, capture_output=True, text=True, timeout=30)
        assert out.returncode == 2, out.stderr
        assert "invalid CIDR" in out.stderr


def test_second_device_on_a_new_network_is_flagged_in_activity():
    """The guest opens from their laptop, then the link is opened from another
    device on another network (behind the trusted proxy): activity shows the
    second access as Suspicious: another device, another network, while the
    guest's own device is active elsewhere."""
    s = Server(["--trusted-proxies", "127.0.0.1/32"])
    try:
        token, _ = user(s, "alice@example.com")
        ev = create(s, token)
        g = add_guest(s, token, ev["id"])
        link = issue(s, token, ev["id"], g["id"])["token"]
        status, first = rsvp_get(s, link, headers={**BROWSER, "X-Forwarded-For": "203.0.113.10"})
        assert status == 200 and last_decision(s, token, ev["id"])["band"] == "low", first
        phone = {"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Mobile Safari/604.1",
                 "Accept-Language": "fr-FR", "X-Device-Fingerprint": "fp-another-device",
                 "X-Forwarded-For": "198.51.100.20"}
        status, second = rsvp_get(s, link, headers=phone)
        assert status == 200, second
        _, _, page = activity(s, token, ev["id"])
        latest = page["items"][0]
        assert latest["type"] == "access" and latest["client_ip"] == "198.51.100.20", latest
        decision = latest["decision"]
        assert decision["band"] == "high" and decision["label"] == "Suspicious", decision
        got = {r["code"] for r in decision["reasons"]}
        assert {"fingerprint_mismatch", "new_network", "concurrent_use"} <= got, got
    finally:
        assert s.stop() == 0, s.stderr()
        s.close()
