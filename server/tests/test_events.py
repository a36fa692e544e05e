"""End-to-end tests of the event endpoints (/events, /events/{id}) and roles.

Parametrised over SQLite and PostgreSQL like test_accounts.py (PostgreSQL runs
in a fresh schema and is skipped when GUESTGUARD_TEST_POSTGRES_URL is unset).

The invite flow does not exist yet, so tests that need an editor or a viewer
insert the event_members row directly into the database (add_member: SQLite
via the sqlite3 module on the server's file, PostgreSQL via psql in the test's
schema). Stdlib only.
"""
import sqlite3

from test_accounts import PG_URL, call, error_of, psql, signup

EVENT = {"name": "New Year's Eve", "starts_at": "2026-12-31T19:00:00Z",
         "venue": "The Hall", "description": "Black tie."}
EVENT_KEYS = {"id", "name", "starts_at", "venue", "description", "your_role", "created_at"}


def user(s, email):
    status, _, body = signup(s, email=email, name=email.split("@")[0])
    assert status == 200, body
    return body["token"], body["user"]["id"]


def create(s, token, **overrides):
    status, _, body = call(s, "POST", "/events", {**EVENT, **overrides}, token=token)
    assert status == 201, body
    return body


def add_member(s, event_id, user_id, role):
    """Grants `role` on the event by writing event_members directly (no invites yet)."""
    if s.kind == "sqlite":
        with sqlite3.connect(s.sqlite_path) as db:
            db.execute("INSERT INTO event_members (event_id, user_id, role) VALUES (?, ?, ?)",
                       (int(event_id), int(user_id), role))
        return
    psql(PG_URL, f"INSERT INTO {s.schema}.event_members (event_id, user_id, role)"
                 f" VALUES ({int(event_id)}, {int(user_id)}, '{role}')")


def test_create_list_get_patch_delete(srv):
    token, _ = user(srv, "alice@example.com")
    ev = create(srv, token)
    assert set(ev) == EVENT_KEYS
    assert isinstance(ev["id"], str) and ev["id"].isdigit()
    assert ev["name"] == EVENT["name"] and ev["venue"] == "The Hall"
    assert ev["starts_at"] == "2026-12-31T19:00:00Z"
    assert ev["description"] == "Black tie." and ev["your_role"] == "owner"
    assert ev["created_at"].endswith("Z")

    status, _, got = call(srv, "GET", f"/events/{ev['id']}", token=token)
    assert status == 200 and got == ev

    status, _, listed = call(srv, "GET", "/events", token=token)
    assert status == 200 and listed == {"events": [ev]}

    status, _, patched = call(srv, "PATCH", f"/events/{ev['id']}",
                              {"name": "  Renamed  ", "starts_at": "2027-01-01T01:30:00+02:00",
                               "venue": None}, token=token)
    assert status == 200, patched
    assert patched["name"] == "Renamed" and patched["starts_at"] == "2026-12-31T23:30:00Z"
    assert patched["venue"] == "" and patched["description"] == "Black tie."
    assert patched["your_role"] == "owner" and patched["id"] == ev["id"]
    status, _, got = call(srv, "GET", f"/events/{ev['id']}", token=token)
    assert status == 200 and got == patched

    status, _, body = call(srv, "DELETE", f"/events/{ev['id']}", token=token)
    assert status == 204 and body is None
    status, _, body = call(srv, "GET", f"/events/{ev['id']}", token=token)
    error_of(status, body, 404, "not_found")
    status, _, listed = call(srv, "GET", "/events", token=token)
    assert status == 200 and listed == {"events": []}


def test_create_with_only_required_fields(srv):
    token, _ = user(srv, "alice@example.com")
    status, _, ev = call(srv, "POST", "/events",
                         {"name": "Picnic", "starts_at": "2026-06-01T12:00:00.5Z"}, token=token)
    assert status == 201, ev
    assert ev["venue"] == "" and ev["description"] == ""
    assert ev["starts_at"] == "2026-06-01T12:00:00.5Z"


def test_list_is_newest_starts_at_first_with_roles(srv):
    alice, _ = user(srv, "alice@example.com")
    bob, bob_id = user(srv, "bob@example.com")
    early = create(srv, alice, name="Early", starts_at="2026-01-01T00:00:00Z")
    late = create(srv, alice, name="Late", starts_at="2027-01-01T00:00:00Z")
    mid = create(srv, alice, name="Mid", starts_at="2026-06-01T00:00:00Z")
    status, _, listed = call(srv, "GET", "/events", token=alice)
    assert status == 200
    assert [e["name"] for e in listed["events"]] == ["Late", "Mid", "Early"]

    add_member(srv, early["id"], bob_id, "viewer")
    add_member(srv, late["id"], bob_id, "editor")
    status, _, listed = call(srv, "GET", "/events", token=bob)
    assert status == 200
    assert [(e["id"], e["your_role"]) for e in listed["events"]] == [
        (late["id"], "editor"), (early["id"], "viewer")]
    assert mid["id"] not in [e["id"] for e in listed["events"]]


def test_validation_errors_are_400(srv):
    token, _ = user(srv, "alice@example.com")
    bad = [
        {"starts_at": EVENT["starts_at"]},                       # missing name
        {**EVENT, "name": "   "},                                # blank name
        {**EVENT, "name": "x" * 201},                            # long name
        {**EVENT, "name": 7},                                    # not a string
        {"name": "x"},                                           # missing starts_at
        {**EVENT, "starts_at": "tomorrow"},
        {**EVENT, "starts_at": "2026-12-31 19:00:00"},           # no T, no offset
        {**EVENT, "starts_at": "2026-12-31T19:00:00"},           # no offset
        {**EVENT, "starts_at": "2026-13-01T19:00:00Z"},          # bad month
        {**EVENT, "starts_at": 1767207600},
        {**EVENT, "description": "d" * 2001},
        {**EVENT, "venue": 3},
    ]
    for body in bad:
        status, _, payload = call(srv, "POST", "/events", body, token=token)
        error_of(status, payload, 400, "invalid_argument")
    status, _, payload = call(srv, "POST", "/events", {**EVENT, "description": "é" * 2000},
                              token=token)
    assert status == 201, payload
    for raw in ["[]", '"x"', "1"]:
        status, _, payload = call(srv, "POST", "/events", raw=raw, token=token)
        error_of(status, payload, 400, "invalid_argument")
    status, _, payload = call(srv, "POST", "/events", raw="{nope", token=token)
    error_of(status, payload, 400, "invalid_json")

    ev = create(srv, token)
    path = f"/events/{ev['id']}"
    for body in [{}, {"unknown": 1}, {"name": ""}, {"name": None},
                 {"starts_at": "never"}, {"description": "d" * 2001}]:
        status, _, payload = call(srv, "PATCH", path, body, token=token)
        error_of(status, payload, 400, "invalid_argument")
    status, _, payload = call(srv, "PATCH", path, raw="[]", token=token)
    error_of(status, payload, 400, "invalid_argument")
    status, _, got = call(srv, "GET", path, token=token)
    assert status == 200 and got == ev  # nothing changed


def test_every_endpoint_requires_a_session(srv):
    token, _ = user(srv, "alice@example.com")
    ev = create(srv, token)
    path = f"/events/{ev['id']}"
    for method, p, body in [("POST", "/events", EVENT), ("GET", "/events", None),
                            ("GET", path, None), ("PATCH", path, {"name": "x"}),
                            ("DELETE", path, None)]:
        for tok in [None, "not-a-real-token"]:
            status, hdrs, payload = call(srv, method, p, body, token=tok)
            error_of(status, payload, 401, "unauthenticated")
    status, _, got = call(srv, "GET", path, token=token)
    assert status == 200 and got == ev


def test_non_member_gets_404_like_a_missing_event(srv):
    alice, _ = user(srv, "alice@example.com")
    mallory, _ = user(srv, "mallory@example.com")
    ev = create(srv, alice)
    path = f"/events/{ev['id']}"
    messages = set()
    for method, body in [("GET", None), ("PATCH", {"name": "pwned"}), ("PATCH", {}),
                         ("DELETE", None)]:
        status, _, payload = call(srv, method, path, body, token=mallory)
        messages.add(error_of(status, payload, 404, "not_found"))
        for missing in ["/events/999999", "/events/abc", "/events/-1", "/events/1e3",
                        "/events/99999999999999999999999"]:
            status, _, payload = call(srv, method, missing, body, token=alice)
            messages.add(error_of(status, payload, 404, "not_found"))
    assert messages == {"event not found"}
    status, _, listed = call(srv, "GET", "/events", token=mallory)
    assert status == 200 and listed == {"events": []}
    status, _, got = call(srv, "GET", path, token=alice)
    assert status == 200 and got == ev


def test_viewer_reads_but_cannot_patch_or_delete(srv):
    alice, _ = user(srv, "alice@example.com")
    victor, victor_id = user(srv, "victor@example.com")
    ev = create(srv, alice)
    add_member(srv, ev["id"], victor_id, "viewer")
    path = f"/events/{ev['id']}"
    status, _, got = call(srv, "GET", path, token=victor)
    assert status == 200 and got == {**ev, "your_role": "viewer"}
    status, _, payload = call(srv, "PATCH", path, {"name": "x"}, token=victor)
    error_of(status, payload, 403, "permission_denied")
    status, _, payload = call(srv, "PATCH", path, {}, token=victor)
    error_of(status, payload, 403, "permission_denied")
    status, _, payload = call(srv, "DELETE", path, token=victor)
    error_of(status, payload, 403, "permission_denied")
    status, _, got = call(srv, "GET", path, token=alice)
    assert status == 200 and got == ev


def test_editor_patches_but_cannot_delete(srv):
    alice, _ = user(srv, "alice@example.com")
    eddie, eddie_id = user(srv, "eddie@example.com")
    ev = create(srv, alice)
    add_member(srv, ev["id"], eddie_id, "editor")
    path = f"/events/{ev['id']}"
    status, _, patched = call(srv, "PATCH", path, {"description": "Smart casual."}, token=eddie)
    assert status == 200, patched
    assert patched["description"] == "Smart casual." and patched["your_role"] == "editor"
    status, _, payload = call(srv, "DELETE", path, token=eddie)
    error_of(status, payload, 403, "permission_denied")
    status, _, got = call(srv, "GET", path, token=alice)
    assert status == 200 and got["description"] == "Smart casual." and got["your_role"] == "owner"

    status, _, body = call(srv, "DELETE", path, token=alice)
    assert status == 204
    for tok in [alice, eddie]:
        status, _, payload = call(srv, "GET", path, token=tok)
        error_of(status, payload, 404, "not_found")


def test_create_makes_the_creator_owner_row(srv):
    token, user_id = user(srv, "alice@example.com")
    ev = create(srv, token)
    if srv.kind == "sqlite":
        with sqlite3.connect(srv.sqlite_path) as db:
            rows = db.execute("SELECT event_id, user_id, role FROM event_members").fetchall()
        assert rows == [(int(ev["id"]), int(user_id), "owner")]
    else:
        out = psql(PG_URL, f"SELECT event_id, user_id, role FROM {srv.schema}.event_members")
        assert out.strip() == f"{ev['id']}|{user_id}|owner"
