"""End-to-end tests of an event's security settings: thresholds (and their
what-if preview), the allowlist, access feedback, and how they reach the
scoring path and the activity feed.

Parametrised over SQLite and PostgreSQL like test_guests.py. Stdlib only.
"""
import sqlite3
import time
import urllib.parse

from test_accounts import PG_URL, call, error_of, psql
from test_activity import activity
from test_events import add_member, create, user
from test_guests import BROWSER, CURL, add_guest, codes, issue, last_decision, rsvp_get

DEFAULTS = {"medium": 30, "high": 60, "block": 85}


def thresholds_path(ev):
    return f"/events/{ev['id']}/security/thresholds"


def allowlist_path(ev, cidr=None):
    path = f"/events/{ev['id']}/security/allowlist"
    return path + ("?" + urllib.parse.urlencode({"cidr": cidr}) if cidr is not None else "")


def feedback_path(ev, log_id):
    return f"/events/{ev['id']}/access-logs/{log_id}/feedback"


def put_thresholds(s, token, ev, **t):
    return call(s, "PUT", thresholds_path(ev), t, token=token)


def allow(s, token, ev, cidr, note=None):
    body = {"cidr": cidr, **({"note": note} if note is not None else {})}
    return call(s, "POST", allowlist_path(ev), body, token=token)


def mark(s, token, ev, log_id, verdict, note=None):
    body = {"verdict": verdict, **({"note": note} if note is not None else {})}
    return call(s, "POST", feedback_path(ev, log_id), body, token=token)


def preview(s, token, ev, **t):
    return call(s, "POST", thresholds_path(ev) + "/preview", t, token=token)


def opened_log_id(s, token, ev, link):
    """Opens the link as the guest's browser; the access id only hosts see."""
    assert rsvp_get(s, link)[0] == 200
    return last_decision(s, token, ev["id"])["access_log_id"]


def event_with_link(s):
    token, _ = user(s, "alice@example.com")
    ev = create(s, token)
    g = add_guest(s, token, ev["id"])
    link = issue(s, token, ev["id"], g["id"])["token"]
    return token, ev, g, link


# --- Thresholds -------------------------------------------------------------

def test_thresholds_default_then_round_trip(srv):
    token, _ = user(srv, "alice@example.com")
    ev = create(srv, token)
    status, _, got = call(srv, "GET", thresholds_path(ev), token=token)
    assert status == 200 and got == {**DEFAULTS, "defaults": DEFAULTS}
    status, _, put = put_thresholds(srv, token, ev, medium=20, high=50, block=90)
    assert status == 200 and put == {"medium": 20, "high": 50, "block": 90, "defaults": DEFAULTS}
    status, _, got = call(srv, "GET", thresholds_path(ev), token=token)
    assert status == 200 and got == put
    # Another event keeps the defaults; a viewer reads but cannot change them.
    other = create(srv, token, name="Other")
    assert call(srv, "GET", thresholds_path(other), token=token)[2]["medium"] == 30
    viewer, viewer_id = user(srv, "victor@example.com")
    error_of(*call(srv, "GET", thresholds_path(ev), token=viewer)[::2], 404, "not_found")
    add_member(srv, ev["id"], viewer_id, "viewer")
    assert call(srv, "GET", thresholds_path(ev), token=viewer)[2] == put
    error_of(*put_thresholds(srv, viewer, ev, **DEFAULTS)[::2], 403, "permission_denied")


def test_each_threshold_rule_is_a_400_naming_it_and_writes_nothing(srv):
    token, _ = user(srv, "alice@example.com")
    ev = create(srv, token)
    assert put_thresholds(srv, token, ev, medium=20, high=50, block=90)[0] == 200
    cases = [
        ({"medium": 0, "high": 50, "block": 90}, "medium (0) must be above 0"),
        ({"medium": -5, "high": 50, "block": 90}, "medium (-5) must be above 0"),
        ({"medium": 50, "high": 50, "block": 90}, "medium (50) must be below high (50)"),
        ({"medium": 60, "high": 50, "block": 90}, "medium (60) must be below high (50)"),
        ({"medium": 20, "high": 90, "block": 90}, "high (90) must be below block (90)"),
        ({"medium": 20, "high": 50, "block": 101}, "block (101) must be at most 100"),
        ({"medium": 20, "high": 50, "block": 99999999999}, "block must be at most 100"),
        ({"medium": 20.0, "high": 50, "block": 90}, "medium must be an integer"),
        ({"medium": 20, "high": "50", "block": 90}, "high must be an integer"),
        ({"medium": 20, "high": 50, "block": True}, "block must be an integer"),
        ({"medium": 20, "high": 50, "block": None}, "block must be an integer"),
        ({"medium": 20, "block": 90}, "high is required"),
    ]
    for body, message in cases:
        status, _, answer = call(srv, "PUT", thresholds_path(ev), body, token=token)
        assert error_of(status, answer, 400, "invalid_argument") == message, (body, answer)
    error_of(*call(srv, "PUT", thresholds_path(ev), raw="{", token=token)[::2], 400, "invalid_json")
    error_of(*call(srv, "PUT", thresholds_path(ev), raw="[1]", token=token)[::2], 400,
             "invalid_argument")
    status, _, got = call(srv, "GET", thresholds_path(ev), token=token)
    assert (got["medium"], got["high"], got["block"]) == (20, 50, 90)
    # The boundaries themselves are valid.
    status, _, got = put_thresholds(srv, token, ev, medium=1, high=2, block=100)
    assert status == 200 and got["block"] == 100


# --- Allowlist --------------------------------------------------------------

def test_allowlist_canonicalises_lists_and_deletes(srv):
    token, _ = user(srv, "alice@example.com")
    ev = create(srv, token)
    status, _, entry = allow(srv, token, ev, "203.0.113.42", note="  office wifi ")
    assert status == 201, entry
    assert set(entry) == {"cidr", "note", "created_at"}
    assert entry["cidr"] == "203.0.113.42/32" and entry["note"] == "office wifi"
    assert entry["created_at"].endswith("Z")
    status, _, v6 = allow(srv, token, ev, "2001:DB8:0:0::1/32")
    assert status == 201 and v6["cidr"] == "2001:db8::/32" and v6["note"] == ""
    status, _, net = allow(srv, token, ev, " 10.1.2.3/8 ", note=None)
    assert status == 201 and net["cidr"] == "10.0.0.0/8"
    status, _, listed = call(srv, "GET", allowlist_path(ev), token=token)
    assert status == 200 and listed["max_entries"] == 1000
    assert [e["cidr"] for e in listed["allowlist"]] == ["10.0.0.0/8", "203.0.113.42/32",
                                                        "2001:db8::/32"]
    assert listed["allowlist"][1] == entry
    # Same block after canonicalisation → 409, and nothing changes.
    for dup in ("203.0.113.42/32", "203.0.113.42", "10.9.9.9/8", "2001:db8::/32"):
        status, _, answer = allow(srv, token, ev, dup)
        assert "is already on the allowlist" in error_of(status, answer, 409, "already_exists")
    assert len(call(srv, "GET", allowlist_path(ev), token=token)[2]["allowlist"]) == 3
    # DELETE canonicalises too; absent → 404.
    status, _, body = call(srv, "DELETE", allowlist_path(ev, "203.0.113.42"), token=token)
    assert status == 204 and body is None
    status, _, answer = call(srv, "DELETE", allowlist_path(ev, "203.0.113.42/32"), token=token)
    assert "is not on the allowlist" in error_of(status, answer, 404, "not_found")
    assert call(srv, "DELETE", allowlist_path(ev, "2001:db8:0::/32"), token=token)[0] == 204
    status, _, listed = call(srv, "GET", allowlist_path(ev), token=token)
    assert [e["cidr"] for e in listed["allowlist"]] == ["10.0.0.0/8"]
    # Per event: another event's list is empty and its delete is a 404.
    other = create(srv, token, name="Other")
    assert call(srv, "GET", allowlist_path(other), token=token)[2]["allowlist"] == []
    error_of(*call(srv, "DELETE", allowlist_path(other, "10.0.0.0/8"), token=token)[::2], 404,
             "not_found")


def test_allowlist_rejects_bad_input_with_the_reason(srv):
    token, _ = user(srv, "alice@example.com")
    ev = create(srv, token)
    cases = [
        ("10.0.0.256", "invalid"),
        ("10.0.0.0/33", "out of range"),
        ("../etc/passwd", "looks like a file path"),
        ("", "empty string"),
        ("10.0.0.1 junk", "trailing"),
        ("1" * 65, "at most 64 characters"),
    ]
    for cidr, reason in cases:
        status, _, answer = allow(srv, token, ev, cidr)
        message = error_of(status, answer, 400, "invalid_argument")
        assert reason in message, (cidr, message)
    for body, message in (({}, "cidr is required and must be a string"),
                          ({"cidr": 5}, "cidr is required and must be a string"),
                          ({"cidr": "10.0.0.1", "note": 7}, "note must be a string or null"),
                          ({"cidr": "10.0.0.1", "note": "é" * 201},
                           "note must be at most 200 characters")):
        status, _, answer = call(srv, "POST", allowlist_path(ev), body, token=token)
        assert error_of(status, answer, 400, "invalid_argument") == message
    assert allow(srv, token, ev, "10.0.0.1", note="é" * 200)[0] == 201
    status, _, answer = call(srv, "DELETE", allowlist_path(ev), token=token)
    assert error_of(status, answer, 400, "invalid_argument") == \
        "the cidr query parameter is required"
    status, _, answer = call(srv, "DELETE", allowlist_path(ev, "10.0.0.0/40"), token=token)
    assert "out of range" in error_of(status, answer, 400, "invalid_argument")
    assert len(call(srv, "GET", allowlist_path(ev), token=token)[2]["allowlist"]) == 1
    viewer, viewer_id = user(srv, "victor@example.com")
    add_member(srv, ev["id"], viewer_id, "viewer")
    assert call(srv, "GET", allowlist_path(ev), token=viewer)[0] == 200
    error_of(*allow(srv, viewer, ev, "192.0.2.1")[::2], 403, "permission_denied")
    error_of(*call(srv, "DELETE", allowlist_path(ev, "10.0.0.1"), token=viewer)[::2], 403,
             "permission_denied")


def sql_exec(s, sqlite_sql, postgres_sql, rows=()):
    """Runs a statement on the server's database (a fixture writer)."""
    if s.kind == "sqlite":
        with sqlite3.connect(s.sqlite_path) as db:
            if rows:
                db.executemany(sqlite_sql, rows)
            else:
                db.execute(sqlite_sql)
        return
    psql(PG_URL, f"SET search_path TO {s.schema}; {postgres_sql}")


def test_allowlist_is_capped_per_event(srv):
    token, _ = user(srv, "alice@example.com")
    ev = create(srv, token)
    key = str(int(ev["id"]))
    # 999 entries written directly (10.0.0.0/32 ... 10.0.3.230/32), then two through the API.
    sql_exec(srv, "INSERT INTO guard_allowlist (event_id, cidr, note, created_at)"
                  " VALUES (?, ?, '', 0)",
             "INSERT INTO guard_allowlist (event_id, cidr, note, created_at)"
             f" SELECT '{key}', '10.0.' || (i / 256) || '.' || (i % 256) || '/32', '', now()"
             " FROM generate_series(0, 998) AS i",
             rows=[(key, f"10.0.{i // 256}.{i % 256}/32") for i in range(999)])
    assert allow(srv, token, ev, "192.0.2.1")[0] == 201
    status, _, answer = allow(srv, token, ev, "192.0.2.2")
    assert error_of(status, answer, 409, "failed_precondition") == \
        "the allowlist is full (1000 entries); remove one first"
    # A duplicate is still reported as such, and a removal makes room.
    error_of(*allow(srv, token, ev, "192.0.2.1")[::2], 409, "already_exists")
    assert call(srv, "DELETE", allowlist_path(ev, "10.0.0.0"), token=token)[0] == 204
    assert allow(srv, token, ev, "192.0.2.2")[0] == 201
    assert len(call(srv, "GET", allowlist_path(ev), token=token)[2]["allowlist"]) == 1000


# --- The scoring path sees changes at once ------------------------------------

def test_allowlisted_ip_is_low_with_reason_allowlisted_at_once(srv):
    token, ev, _, link = event_with_link(srv)
    assert rsvp_get(srv, link)[0] == 200
    status, _ = rsvp_get(srv, link, headers=CURL)
    assert status == 403  # curl without a fingerprint after a browser visit: blocked.
    assert allow(srv, token, ev, "127.0.0.1", note="test runner")[0] == 201
    status, answer = rsvp_get(srv, link, headers=CURL)
    assert status == 200 and "decision" not in answer, answer
    d = last_decision(srv, token, ev["id"])
    assert (d["band"], d["label"], d["score"], d["allowlisted"]) == ("low", "Verified", 0, True)
    assert codes(d) == ["allowlisted"]
    # Removing the entry takes effect at once as well.
    assert call(srv, "DELETE", allowlist_path(ev, "127.0.0.1"), token=token)[0] == 204
    status, _ = rsvp_get(srv, link, headers=CURL)
    assert status == 403
    # A network containing the client counts too (IPv4-mapped or not).
    assert allow(srv, token, ev, "127.0.0.0/8")[0] == 201
    status, answer = rsvp_get(srv, link, headers=CURL)
    assert status == 200 and last_decision(srv, token, ev["id"])["allowlisted"] is True


def test_changed_thresholds_change_the_next_decision(srv):
    token, ev, _, link = event_with_link(srv)
    # No Accept-Language: one weak signal (missing language/timezone), low by default.
    quiet = {k: v for k, v in BROWSER.items() if k != "Accept-Language"}
    assert rsvp_get(srv, link, headers=quiet)[0] == 200
    first = last_decision(srv, token, ev["id"])
    assert first["band"] == "low", first
    score = first["score"]
    assert 0 < score < 30, first
    assert put_thresholds(srv, token, ev, medium=score, high=60, block=85)[0] == 200
    assert rsvp_get(srv, link, headers=quiet)[0] == 200
    second = last_decision(srv, token, ev["id"])
    assert second["score"] == score, second
    assert (second["band"], second["label"]) == ("medium", "Review")
    assert put_thresholds(srv, token, ev, **DEFAULTS)[0] == 200
    assert rsvp_get(srv, link, headers=quiet)[0] == 200
    third = last_decision(srv, token, ev["id"])
    assert third["band"] == "low", third


# --- Feedback -----------------------------------------------------------------

def test_feedback_marks_re_marks_and_lists(srv):
    token, ev, g, link = event_with_link(srv)
    assert rsvp_get(srv, link)[0] == 200
    status, _ = rsvp_get(srv, link, headers=CURL)
    assert status == 403
    _, _, page = activity(srv, token, ev["id"])
    access = page["items"][0]
    log_id = access["decision"]["access_log_id"]
    status, _, marked = mark(srv, token, ev, log_id, "suspicious", note="not our guest")
    assert status == 200, marked
    assert set(marked) == {"access_log_id", "verdict", "note", "created_at", "access"}
    assert (marked["access_log_id"], marked["verdict"], marked["note"]) == \
        (log_id, "suspicious", "not our guest")
    status, _, again = mark(srv, token, ev, log_id, "legitimate")
    assert status == 200 and again["verdict"] == "legitimate" and again["note"] == ""
    status, _, listed = call(srv, "GET", f"/events/{ev['id']}/security/feedback", token=token)
    assert status == 200 and listed["truncated"] is False
    assert listed["feedback"] == [again]  # One verdict per access: re-marking replaced it.
    judged = again["access"]
    assert judged == {"at": access["at"], "guest_id": g["id"], "guest_name": "Grace Hopper",
                      "kind": "open", "client_ip": "127.0.0.1",
                      "score": access["decision"]["score"], "band": "block", "label": "Blocked",
                      "allowlisted": False, "reasons": access["decision"]["reasons"]}
    # Viewers read, but cannot mark.
    viewer, viewer_id = user(srv, "victor@example.com")
    add_member(srv, ev["id"], viewer_id, "viewer")
    assert call(srv, "GET", f"/events/{ev['id']}/security/feedback", token=viewer)[2] == listed
    error_of(*mark(srv, viewer, ev, log_id, "suspicious")[::2], 403, "permission_denied")


def test_feedback_on_another_events_log_is_an_indistinguishable_404(srv):
    token, ev_a, _, _ = event_with_link(srv)
    ev_b = create(srv, token, name="Event B")
    g_b = add_guest(srv, token, ev_b["id"])
    link_b = issue(srv, token, ev_b["id"], g_b["id"])["token"]
    log_b = opened_log_id(srv, token, ev_b, link_b)
    answers = [mark(srv, token, ev_a, log_id, "suspicious")
               for log_id in (log_b, "999999", "abc", "0")]
    for status, _, answer in answers:
        assert error_of(status, answer, 404, "not_found") == "access log not found"
    assert len({str(a[2]) for a in answers}) == 1
    # Nothing was recorded under either event; B's own route works.
    for ev in (ev_a, ev_b):
        assert call(srv, "GET", f"/events/{ev['id']}/security/feedback",
                    token=token)[2]["feedback"] == []
    assert mark(srv, token, ev_b, log_b, "suspicious")[0] == 200


def test_feedback_validation_is_400(srv):
    token, ev, _, link = event_with_link(srv)
    log_id = opened_log_id(srv, token, ev, link)
    for body in ({"verdict": "maybe"}, {"verdict": "Legitimate"}, {}, {"verdict": 1},
                 {"verdict": None}):
        status, _, answer = call(srv, "POST", feedback_path(ev, log_id), body, token=token)
        assert error_of(status, answer, 400, "invalid_argument") == \
            'verdict must be "legitimate" or "suspicious"'
    error_of(*mark(srv, token, ev, log_id, "legitimate", note=3)[::2], 400, "invalid_argument")
    status, _, answer = mark(srv, token, ev, log_id, "legitimate", note="x" * 2001)
    assert error_of(status, answer, 400, "invalid_argument") == "note must be at most 2000 bytes"
    error_of(*call(srv, "POST", feedback_path(ev, log_id), raw="nope", token=token)[::2], 400,
             "invalid_json")
    assert call(srv, "GET", f"/events/{ev['id']}/security/feedback",
                token=token)[2]["feedback"] == []
    assert mark(srv, token, ev, log_id, "legitimate", note="x" * 2000)[0] == 200
    for limit in ("0", "501", "x", "-1"):
        status, _, answer = call(srv, "GET", f"/events/{ev['id']}/security/feedback?limit={limit}",
                                 token=token)
        error_of(status, answer, 400, "invalid_argument")


def test_feedback_list_is_newest_first_and_bounded_by_limit(srv):
    token, ev, _, link = event_with_link(srv)
    ids = [opened_log_id(srv, token, ev, link) for _ in range(3)]
    for log_id in ids:
        assert mark(srv, token, ev, log_id, "legitimate")[0] == 200
        time.sleep(0.002)
    path = f"/events/{ev['id']}/security/feedback"
    listed = call(srv, "GET", path, token=token)[2]
    assert [f["access_log_id"] for f in listed["feedback"]] == ids[::-1]
    page = call(srv, "GET", path + "?limit=2", token=token)[2]
    assert page["truncated"] is True and page["feedback"] == listed["feedback"][:2]


# --- What-if ------------------------------------------------------------------

def insert_access(s, event_id, guest_id, score, band, reasons=(), allowlisted=False):
    """Records an access with a chosen score directly (a hand-computed fixture);
    returns its id. `reasons` are codes (sub-score 0)."""
    text = "".join(f"{code}\t0\t{code}\n" for code in reasons)
    if s.kind == "sqlite":
        with sqlite3.connect(s.sqlite_path) as db:
            cur = db.execute(
                "INSERT INTO guard_access_log (event_id, guest_id, kind, occurred_at, client_ip,"
                " score, band, allowlisted, blocked, reasons)"
                " VALUES (?, ?, 'open', ?, '198.51.100.7', ?, ?, ?, ?, ?)",
                (event_id, guest_id, int(time.time() * 1e6), score, band, int(allowlisted),
                 int(band == "block"), text))
            return str(cur.lastrowid)
    escaped = text.replace("\t", "\\t").replace("\n", "\\n")
    out = psql(PG_URL, f"SET search_path TO {s.schema}; INSERT INTO guard_access_log"
                       " (event_id, guest_id, kind, occurred_at, client_ip, score, band,"
                       " allowlisted, blocked, reasons) VALUES"
                       f" ('{event_id}', '{guest_id}', 'open', now(), '198.51.100.7', {score},"
                       f" '{band}', {str(allowlisted).lower()}, {str(band == 'block').lower()},"
                       f" E'{escaped}') RETURNING id")
    return [line for line in out.splitlines() if line.isdigit()][0]


def test_threshold_preview_against_a_hand_computed_fixture(srv):
    token, ev, g, _ = event_with_link(srv)
    key, gid = str(int(ev["id"])), g["id"]
    # Recorded under the defaults 30 / 60 / 85.
    a1 = insert_access(srv, key, gid, 10, "low")
    a2 = insert_access(srv, key, gid, 35, "medium")
    a3 = insert_access(srv, key, gid, 59, "medium", reasons=["new_network", "single_signal_cap"])
    a4 = insert_access(srv, key, gid, 70, "high")
    a5 = insert_access(srv, key, gid, 90, "block")
    insert_access(srv, key, gid, 100, "block", reasons=["token_revoked"])
    insert_access(srv, key, gid, 0, "low", reasons=["allowlisted"], allowlisted=True)
    other = create(srv, token, name="Other")
    insert_access(srv, str(int(other["id"])), "1", 70, "high")  # Not this event's.
    for log_id, verdict in ((a2, "legitimate"), (a5, "legitimate"), (a3, "suspicious"),
                            (a4, "suspicious"), (a1, "legitimate")):
        assert mark(srv, token, ev, log_id, verdict)[0] == 200, log_id
    window = {"limit": 1000, "considered": 7}
    before = {"low": 2, "medium": 2, "high": 1, "block": 2}

    # Candidate A {20, 30, 95}: a2 35 → high, a3 capped at 29 → medium, a4 70 → high,
    # a5 90 → high, revoked stays block, allowlisted 0 and a1 10 stay low.
    status, _, got = preview(srv, token, ev, medium=20, high=30, block=95)
    assert status == 200, got
    assert got == {
        "current": DEFAULTS, "candidate": {"medium": 20, "high": 30, "block": 95},
        "window": window, "before": before,
        "after": {"low": 2, "medium": 1, "high": 3, "block": 1}, "changed": 2,
        "feedback": {"suspicious": {"total": 2, "below_high_before": 1, "below_high_after": 1},
                     "legitimate": {"total": 3, "high_or_block_before": 1,
                                    "high_or_block_after": 2}}}

    # Candidate B {30, 75, 95}: a4 70 → medium (a suspicious one falls below high),
    # a5 90 → high, a3 59 stays medium.
    status, _, got = preview(srv, token, ev, medium=30, high=75, block=95)
    assert status == 200, got
    assert got["after"] == {"low": 2, "medium": 3, "high": 1, "block": 1}
    assert got["changed"] == 2
    assert got["feedback"] == {
        "suspicious": {"total": 2, "below_high_before": 1, "below_high_after": 2},
        "legitimate": {"total": 3, "high_or_block_before": 1, "high_or_block_after": 1}}

    # The current thresholds themselves change nothing; a preview stores nothing.
    status, _, got = preview(srv, token, ev, **DEFAULTS)
    assert got["after"] == got["before"] == before and got["changed"] == 0
    assert call(srv, "GET", thresholds_path(ev), token=token)[2]["medium"] == 30
    # "before" is the event's current thresholds, whatever the accesses were recorded under.
    assert put_thresholds(srv, token, ev, medium=20, high=30, block=95)[0] == 200
    status, _, got = preview(srv, token, ev, **DEFAULTS)
    assert got["current"] == {"medium": 20, "high": 30, "block": 95}
    assert got["before"] == {"low": 2, "medium": 1, "high": 3, "block": 1}
    assert got["after"] == before

    # Validated like PUT; viewers may preview.
    status, _, answer = preview(srv, token, ev, medium=50, high=40, block=90)
    assert error_of(status, answer, 400, "invalid_argument") == \
        "medium (50) must be below high (40)"
    viewer, viewer_id = user(srv, "victor@example.com")
    add_member(srv, ev["id"], viewer_id, "viewer")
    assert preview(srv, viewer, ev, **DEFAULTS)[0] == 200


def test_threshold_preview_considers_the_newest_1000_accesses(srv):
    token, ev, g, _ = event_with_link(srv)
    key = str(int(ev["id"]))
    insert_access(srv, key, g["id"], 95, "block")  # The oldest: outside the window.
    sql_exec(srv, "INSERT INTO guard_access_log (event_id, guest_id, kind, occurred_at, score,"
                  " band, allowlisted, blocked) VALUES (?, ?, 'open', 1, 10, 'low', 0, 0)",
             "INSERT INTO guard_access_log (event_id, guest_id, kind, occurred_at, score, band,"
             f" allowlisted, blocked) SELECT '{key}', '{g['id']}', 'open', now(), 10, 'low',"
             " false, false FROM generate_series(1, 1000)",
             rows=[(key, g["id"])] * 1000)
    status, _, got = preview(srv, token, ev, **DEFAULTS)
    assert status == 200, got
    assert got["window"] == {"limit": 1000, "considered": 1000}
    assert got["before"] == {"low": 1000, "medium": 0, "high": 0, "block": 0}


# --- Re-labelling in activity ---------------------------------------------------

def test_activity_relabels_allowlisted_and_legitimate_accesses(srv):
    token, ev, _, link = event_with_link(srv)
    assert rsvp_get(srv, link)[0] == 200
    assert rsvp_get(srv, link, headers=CURL)[0] == 403

    def accesses():
        _, _, page = activity(srv, token, ev["id"])
        return [i for i in page["items"] if i["type"] == "access"]

    blocked, browser = accesses()
    assert blocked["decision"]["band"] == "block" and blocked["effective"] is None
    assert browser["decision"]["band"] == "low" and browser["effective"] is None
    recorded = blocked["decision"]

    assert allow(srv, token, ev, "127.0.0.1")[0] == 201
    blocked, browser = accesses()
    assert blocked["decision"] == recorded  # The original score and band stand.
    assert blocked["effective"] == {"band": "low", "label": "Verified", "because": "allowlisted"}
    assert browser["effective"] is None  # Already low: nothing to re-label.
    # A new access from the allowlisted address is allowlisted itself.
    assert rsvp_get(srv, link, headers=CURL)[0] == 200
    newest = accesses()[0]
    assert newest["decision"]["allowlisted"] is True and newest["effective"] is None

    assert call(srv, "DELETE", allowlist_path(ev, "127.0.0.1"), token=token)[0] == 204
    assert accesses()[1]["effective"] is None

    assert mark(srv, token, ev, recorded["access_log_id"], "suspicious")[0] == 200
    assert accesses()[1]["effective"] is None  # Suspicious confirms the recorded band...
    assert allow(srv, token, ev, "127.0.0.0/8")[0] == 201
    assert accesses()[1]["effective"] is None  # ...even once its address is allowlisted.
    assert mark(srv, token, ev, recorded["access_log_id"], "legitimate")[0] == 200
    relabelled = accesses()[1]
    assert relabelled["decision"] == recorded
    assert relabelled["effective"] == {"band": "low", "label": "Verified",
                                       "because": "marked_legitimate"}  # The verdict wins.


def test_allowlist_does_not_relabel_a_revoked_link(srv):
    token, ev, g, link = event_with_link(srv)
    issue(srv, token, ev["id"], g["id"], rotate=True)
    assert rsvp_get(srv, link)[0] == 404  # Revoked: uniform 404, recorded as blocked.
    assert allow(srv, token, ev, "127.0.0.1")[0] == 201
    _, _, page = activity(srv, token, ev["id"])
    item = page["items"][0]
    assert "token_revoked" in codes(item["decision"]) and item["effective"] is None
