"""The authorization matrix: every route of the router's own table (from
`guestguard-server --print-routes`) × every kind of caller × {own ids, foreign
ids} → the expected status, on SQLite and PostgreSQL.

Callers: owner, editor, viewer and door staff of event A; `other` (owner of event B only:
a member of another event); `stranger` (signed in, no events); anonymous.
Own ids: event A and its guests, members, access logs and invites. Foreign
ids: event A with sub-resource ids of event B (a guest, member or access log
of B), or — for routes whose only id is the event — an event C none of the
callers belongs to. Non-members and foreign ids get a 404 like "does not
exist"; a role below the route's minimum 403; anonymous 401 on authenticated
routes. A route without a row in RULES fails the test, so a new route cannot
skip the matrix. Destructive routes get a fresh resource per cell.
"""
import itertools
import json
import re
import subprocess
import time

import pytest

from test_accounts import PASSWORD, call, sent, signup
from test_events import add_member, create
from test_guests import BROWSER, BROWSER_SIGNALS, add_guest, issue, sql_rows
from test_http import BIN, Server
from ws_client import HandshakeRefused, WebSocket

ROLES = ("owner", "editor", "viewer")
MEMBERS = ROLES + ("door",)  # Door staff rank below viewers and pass only the door routes.
CALLERS = MEMBERS + ("other", "stranger", "anonymous")
RANK = {"door": -1, "viewer": 0, "editor": 1, "owner": 2}
LINK = re.compile(r"/invites/([A-Za-z0-9_-]+)")
CSV = "name,email,phone,plus_ones_allowed\nMatrix Guest,,,0\n"

# "METHOD pattern" → (access, success status, body). access: "public" (no
# session, same answer for everyone), "session" (any signed-in user), or the
# minimum role on the event ("door+viewer": door staff, or that role and up). A body may be a callable of a counter (fresh values).
RULES = {
    "GET /healthz": ("public", 200, None),
    "GET /readyz": ("public", 200, None),
    "GET /metrics": ("public", 200, None),  # Development only (test_metrics.py).
    # One answer whether or not the address has an account (issue 15 item 13).
    "POST /auth/signup": ("public", 202,
                          lambda n: {"email": f"new{n}@example.com", "password": PASSWORD,
                                     "name": "New"}),
    # A link's token works once (test_accounts.py follows real ones): an
    # unknown token is 404 for everyone.
    "POST /auth/verify": ("public", 404, {"token": "A" * 43}),
    "POST /auth/verify/resend": ("public", 202, lambda n: {"email": f"new{n}@example.com"}),
    # A throwaway account's session each (token_for): these end sessions.
    "POST /auth/logout-everywhere": ("session", 204, None),
    "POST /auth/password": ("session", 204,
                            {"current": PASSWORD, "new": "a brand new password 42"}),
    "POST /auth/login": ("public", 200,
                         lambda n: {"email": "login@example.com", "password": PASSWORD}),
    "POST /auth/logout": ("session", 204, None),
    "GET /me": ("session", 200, None),
    "POST /events": ("session", 201, {"name": "Another", "starts_at": "2027-01-01T00:00:00Z"}),
    "GET /events": ("session", 200, None),
    "GET /events/{id}": ("viewer", 200, None),
    "PATCH /events/{id}": ("editor", 200, {"venue": "Hall 2"}),
    "DELETE /events/{id}": ("owner", 204, None),
    "POST /events/{id}/guests": ("editor", 201, {"name": "Matrix Guest"}),
    "GET /events/{id}/guests": ("viewer", 200, None),
    "GET /events/{id}/guests/{guest_id}": ("viewer", 200, None),
    "PATCH /events/{id}/guests/{guest_id}": ("editor", 200, {"phone": "+1 555 0100"}),
    "DELETE /events/{id}/guests/{guest_id}": ("editor", 204, None),
    "POST /events/{id}/guests/{guest_id}/token": ("editor", 201, None),
    "POST /events/{id}/guests/{guest_id}/token/rotate": ("editor", 201, None),
    "POST /events/{id}/tokens/bulk": ("editor", 200, None),
    "GET /events/{id}/rsvps": ("viewer", 200, None),
    "GET /events/{id}/guests/import/template": ("viewer", 200, None),
    "POST /events/{id}/guests/import/preview": ("editor", 200, CSV),
    "POST /events/{id}/guests/import/commit": ("editor", 201, CSV),
    "GET /events/{id}/collaborators": ("viewer", 200, None),
    "POST /events/{id}/collaborators": ("owner", 201,
                                        lambda n: {"email": f"inv{n}@example.com",
                                                   "role": "viewer"}),
    "DELETE /events/{id}/collaborators/pending": ("owner", 204, None),
    "PATCH /events/{id}/collaborators/{user_id}": ("owner", 200, {"role": "viewer"}),
    "DELETE /events/{id}/collaborators/{user_id}": ("owner", 204, None),
    "GET /invites/{token}": ("public", 200, None),
    # Signed in, but not as the invited email: 403 for every account.
    "POST /invites/{token}/accept": ("session", 403, None),
    "GET /events/{id}/activity": ("viewer", 200, None),
    "POST /events/{id}/ws-ticket": ("viewer", 201, None),
    # The ticket is the credential: the matrix asks for one as the caller
    # (viewer+ of the event gets one) and upgrades with it; 401 otherwise.
    "GET /events/{id}/monitor": ("ticket", 101, None),
    "GET /events/{id}/notifications": ("editor", 200, None),
    "POST /events/{id}/invitations": ("editor", 202, {"guest_ids": []}),
    "GET /events/{id}/invitations": ("viewer", 200, None),
    "GET /events/{id}/security/thresholds": ("viewer", 200, None),
    "PUT /events/{id}/security/thresholds": ("editor", 200,
                                            {"medium": 30, "high": 60, "block": 85}),
    "POST /events/{id}/security/thresholds/preview": ("viewer", 200,
                                                     {"medium": 20, "high": 50, "block": 90}),
    "GET /events/{id}/security/allowlist": ("viewer", 200, None),
    "POST /events/{id}/security/allowlist": ("editor", 201,
                                            lambda n: {"cidr": f"10.9.{n // 250}.{n % 250}"}),
    "DELETE /events/{id}/security/allowlist": ("editor", 204, None),
    "POST /events/{id}/access-logs/{log_id}/feedback": ("editor", 200,
                                                       {"verdict": "legitimate"}),
    "GET /events/{id}/security/feedback": ("viewer", 200, None),
    "GET /ui/{dir}/{file}": ("public", 200, None),
    "GET /ui/{dir}/{sub}/{file}": ("public", 200, None),
    "GET /": ("public", 200, None),
    "GET /console/{page}": ("public", 200, None),
    "GET /console/events/{id}/{tab}": ("public", 200, None),
    "GET /events/{id}/security/feedback/export": ("editor", 200, None),
    "GET /rsvp/{token}": ("public", 200, None),
    "POST /rsvp/{token}": ("public", 200,
                           {"response": "yes", "plus_ones": 0, "signals": BROWSER_SIGNALS}),
    "POST /checkin/{token}": ("public", 200, {"signals": BROWSER_SIGNALS}),
    "GET /events/{id}/door": ("door+viewer", 200, None),
    "GET /events/{id}/door/guests": ("door+viewer", 200, None),
    "POST /events/{id}/door/verify": ("door+editor", 200, {"code": "0000-0000"}),
}
# Routes whose cells each need a resource of their own (they destroy or
# consume it).
FRESH = {"DELETE /events/{id}", "DELETE /events/{id}/guests/{guest_id}",
         "POST /events/{id}/guests/{guest_id}/token/rotate",
         "DELETE /events/{id}/collaborators/{user_id}",
         "DELETE /events/{id}/collaborators/pending", "DELETE /events/{id}/security/allowlist",
         "POST /auth/logout"}


def printed_routes():
    out = subprocess.run([BIN, "--print-routes"], check=True, capture_output=True, text=True)
    return [line for line in out.stdout.splitlines() if line]


def foreign_event(route):
    """True when the foreign case of `route` swaps the event itself (event C)."""
    return re.findall(r"\{(\w+)\}", route) == ["id"]


def expected(route, caller, foreign):
    access, ok, _ = RULES[route]
    if access == "public":
        return ok
    if access == "ticket":
        return ok if caller in ROLES and not foreign else 401
    if caller == "anonymous":
        return 401
    if access == "session":
        return ok
    if caller not in MEMBERS or (foreign and foreign_event(route)):
        return 404  # Not a member of the event in the path.
    door_too = access.startswith("door+")
    minimum = access.removeprefix("door+")
    if RANK[caller] < RANK[minimum] and not (door_too and caller == "door"):
        return 403  # The role check comes before looking the resource up.
    return 404 if foreign else ok


class World:
    """Three events and the callers, built through the API (members added directly)."""

    def __init__(self, s):
        self.s, self.n = s, itertools.count(1)
        self.session, self.user_id = {}, {}
        for caller in MEMBERS + ("other", "stranger", "outsider", "login"):
            status, _, body = signup(s, email=f"{caller}@example.com", name=caller.title())
            assert status == 200, body
            self.session[caller], self.user_id[caller] = body["token"], body["user"]["id"]
        self.session["anonymous"] = None
        self.a = self.event("owner")
        self.b = create(s, self.session["other"])["id"]
        self.c = create(s, self.session["outsider"])["id"]
        self.guest_a = add_guest(s, self.session["owner"], self.a)["id"]
        self.guest_b = add_guest(s, self.session["other"], self.b)["id"]
        self.link_a = issue(s, self.session["owner"], self.a, self.guest_a)["token"]
        self.link_b = issue(s, self.session["other"], self.b, self.guest_b)["token"]
        self.log_a = self.open_link(self.link_a)
        self.log_b = self.open_link(self.link_b)
        self.member_a = self.new_member(self.a, "viewer")
        self.invite_a = self.invite(self.a, "owner", "nobody-a@example.com")
        self.invite_b = self.invite(self.b, "other", "nobody-b@example.com")

    def event(self, owner):
        event_id = create(self.s, self.session[owner])["id"]
        for role in ("editor", "viewer", "door"):
            add_member(self.s, event_id, self.user_id[role], role)
        return event_id

    def new_member(self, event_id, role):
        status, _, body = signup(self.s, email=f"member{next(self.n)}@example.com", name="M")
        assert status == 200, body
        add_member(self.s, event_id, body["user"]["id"], role)
        return body["user"]["id"]

    def open_link(self, link):
        status, _, body = self.s.request("GET", f"/rsvp/{link}",
                                         headers={"Accept": "application/json", **BROWSER})
        assert status == 200, body
        # Guests never see the access id; the newest access log row is this open.
        return sql_rows(self.s, "SELECT MAX(id) FROM guard_access_log")[0][0]

    def invite(self, event_id, owner, email):
        status, _, body = call(self.s, "POST", f"/events/{event_id}/collaborators",
                               {"email": email, "role": "viewer"}, token=self.session[owner])
        assert status == 201, body
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            for record in reversed(sent(self.s, "collaborator_invite")):
                if record["recipient"] == email:
                    return LINK.findall(record["text"])[0]
            time.sleep(0.05)
        raise AssertionError(f"no invite notification for {email}")

    def path(self, route, caller, foreign):
        """The concrete path (and query) of `route` for one cell."""
        method, pattern = route.split(" ", 1)
        sub_ids = re.findall(r"\{(\w+)\}", pattern)
        event = self.a
        if foreign and foreign_event(route):
            event = self.c
        elif route == "DELETE /events/{id}" and caller in ROLES:
            event = self.event("owner")  # Fresh: the owner's cell deletes it.
        values = {"id": event}
        if "guest_id" in sub_ids:
            fresh = route in FRESH and caller in ROLES
            values["guest_id"] = (self.guest_b if foreign else
                                  add_guest(self.s, self.session["owner"], self.a)["id"] if fresh
                                  else self.guest_a)
        if "user_id" in sub_ids:
            fresh = route in FRESH and caller == "owner"
            values["user_id"] = (self.user_id["other"] if foreign else
                                 self.new_member(self.a, "viewer") if fresh else self.member_a)
        if "log_id" in sub_ids:
            values["log_id"] = self.log_b if foreign else self.log_a
        if "file" in sub_ids:
            values["dir"], values["file"] = "guest", "main.js"
        if "sub" in sub_ids:
            values["dir"], values["sub"], values["file"] = "console", "screens", "home.js"
        if "page" in sub_ids:
            values["page"] = "events"
        if "tab" in sub_ids:
            values["tab"] = "guests"
        if "token" in sub_ids:
            if pattern.startswith("/invites/"):
                values["token"] = self.invite_b if foreign else self.invite_a
            else:
                values["token"] = self.link_b if foreign else self.link_a
        path = re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), pattern)
        if route == "DELETE /events/{id}/collaborators/pending":
            email = f"pending{next(self.n)}@example.com"
            if caller == "owner" and not foreign:
                self.invite(self.a, "owner", email)
            path += f"?email={email}"
        if route == "GET /events/{id}/door/guests":
            path += "?q=matrix"
        if route == "DELETE /events/{id}/security/allowlist":
            cidr = f"10.8.{next(self.n) % 250}.0/24"
            if caller in ("owner", "editor") and not foreign:
                status, _, body = call(self.s, "POST", f"/events/{self.a}/security/allowlist",
                                       {"cidr": cidr}, token=self.session["owner"])
                assert status == 201, body
            path += f"?cidr={cidr}"
        return path

    def upgrade(self, path, caller):
        """Asks for a ticket on event A as `caller`, then upgrades `path` with it."""
        status, _, body = call(self.s, "POST", f"/events/{self.a}/ws-ticket",
                               token=self.session[caller])
        ticket = body["ticket"] if status == 201 else "no-ticket"
        try:
            ws = WebSocket(self.s.port, f"{path}?ticket={ticket}")
        except HandshakeRefused as refused:
            return refused.status, refused.body
        ws.close()
        return 101, b""

    def token_for(self, route, caller):
        if route in ("POST /auth/logout-everywhere", "POST /auth/password") \
                and caller != "anonymous":
            status, _, body = signup(self.s, email=f"throwaway{next(self.n)}@example.com",
                                     name="T")
            assert status == 200, body
            return body["token"]
        if route == "POST /auth/logout" and caller != "anonymous":
            status, _, body = call(self.s, "POST", "/auth/login",
                                   {"email": f"{caller}@example.com", "password": PASSWORD})
            assert status == 200, body
            return body["token"]  # A session of its own: logging out ends only this one.
        return self.session[caller]


@pytest.fixture
def matrix_srv(backend):
    kind, url, schema = backend
    s = Server(["--threads", "4", "--rate-limit-per-minute", "1000000",
                "--rate-limit-burst", "100000"], database=url)
    s.kind, s.schema = kind, schema
    try:
        yield s
        assert s.stop() == 0, s.stderr()
    finally:
        s.close()


def test_every_route_has_a_row():
    routes = printed_routes()
    assert set(routes) == set(RULES), (
        f"routes without a row: {sorted(set(routes) - set(RULES))}; "
        f"rows without a route: {sorted(set(RULES) - set(routes))}")


def test_authorization_matrix(matrix_srv):
    s = matrix_srv
    world = World(s)
    status, _, _ = call(s, "POST", "/auth/signup", {"email": "login@example.com",
                                                    "password": PASSWORD, "name": "L"})
    routes = printed_routes()
    mismatches, cells = [], 0
    for route in routes:
        rule = RULES[route]
        method = route.split(" ", 1)[0]
        for caller, foreign in itertools.product(CALLERS, (False, True)):
            path = world.path(route, caller, foreign)
            body = rule[2](next(world.n)) if callable(rule[2]) else rule[2]
            headers = dict(BROWSER) if path.startswith(("/rsvp/", "/checkin/")) else {}
            if method == "GET" and path.startswith("/rsvp/"):
                headers["Accept"] = "application/json"
            token = world.token_for(route, caller)
            if token is not None:
                headers["Authorization"] = f"Bearer {token}"
            data = None
            if isinstance(body, str):
                data, headers["Content-Type"] = body, "text/csv"
            elif body is not None:
                data, headers["Content-Type"] = json.dumps(body), "application/json"
            if RULES[route][0] == "ticket":
                got, payload = world.upgrade(path, caller)
            else:
                got, _, payload = s.request(method, path, body=data, headers=headers)
            want = expected(route, caller, foreign)
            cells += 1
            if got != want:
                mismatches.append(f"{route} as {caller} ({'foreign' if foreign else 'own'} ids):"
                                  f" {got} != {want} {payload[:200]!r}")
            if want == 404 and got == 404 and caller != "anonymous":
                # Indistinguishable from "does not exist": one body per resource kind.
                assert json.loads(payload)["error"]["code"] == "not_found"
    assert not mismatches, f"{len(mismatches)} of {cells} cells:\n" + "\n".join(mismatches)
    assert cells == len(routes) * len(CALLERS) * 2
