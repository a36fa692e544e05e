"""Sending guests their personal links by email: POST /events/{id}/invitations
(invitation, resend, reminder) and GET /events/{id}/invitations (each guest's
delivery state), through the outbox, the bus and the notification worker, with
the log sender (and an unreachable SMTP server for the pending state) — on
SQLite and PostgreSQL. The link (a credential) is never stored in clear.
"""
import json
import re

from smtp_sink import closed_port
from test_accounts import call, error_of, sent
from test_events import create, user
from test_guests import BROWSER, BROWSER_SIGNALS, add_guest, rsvp_post, sql_rows
from test_notifications import settled, wait_for

LINK = re.compile(r"http://127\.0\.0\.1:\d+/rsvp/([A-Za-z0-9._-]+)")
AT_REST = ("guard_outbox", "notifications", "dead_letters", "guests")


def send(s, owner, event_id, **body):
    status, _, answer = call(s, "POST", f"/events/{event_id}/invitations", body, token=owner)
    assert status == 202, answer
    return answer


def delivery(s, owner, event_id):
    status, _, body = call(s, "GET", f"/events/{event_id}/invitations", token=owner)
    assert status == 200, body
    return {i["guest_id"]: i for i in body["invitations"]}


def sent_links(s, email):
    return [LINK.findall(r["text"])[0] for r in sent(s)
            if r["recipient"] == email and r["type"] in ("guest_invitation", "guest_reminder")]


def dump(s):
    return [str(r) for table in AT_REST for r in sql_rows(s, f"SELECT * FROM {table}")]


def test_invite_resend_and_remind_with_sealed_links(servers):
    s = servers()
    owner, _ = user(s, "owner@example.com")
    ev = create(s, owner)
    grace = add_guest(s, owner, ev["id"], name="Grace Hopper", email="grace@example.com")
    ada = add_guest(s, owner, ev["id"], name="Ada Lovelace", email="ada@example.com")
    alan = add_guest(s, owner, ev["id"], name="Alan Turing")
    answer = send(s, owner, ev["id"], guest_ids=[grace["id"], ada["id"], alan["id"], "999999"])
    assert answer == {"queued": [grace["id"], ada["id"]],
                      "skipped": [{"guest_id": alan["id"], "reason": "no_email"},
                                  {"guest_id": "999999", "reason": "not_found"}]}
    got = settled(s, owner, ev["id"], 2)
    assert {n["type"] for n in got} == {"guest_invitation"}
    assert all(n["status"] == "sent" and n["attempts"] == 1 for n in got)
    state = delivery(s, owner, ev["id"])
    assert set(state) == {grace["id"], ada["id"]}
    assert state[grace["id"]]["type"] == "guest_invitation"
    assert state[grace["id"]]["status"] == "sent"

    # The link emailed is the guest's working personal link.
    [token] = wait_for("grace's link", lambda: sent_links(s, "grace@example.com"))
    status, body = rsvp_post(s, token, {"response": "yes", "plus_ones": 0,
                                        "signals": BROWSER_SIGNALS})
    assert status == 200, body
    # Never in clear at rest: not in the outbox, the notifications (sealed,
    # then emptied once sent), the dead letters or the guests table.
    rows = dump(s)
    assert rows and not any(token in row for row in rows)
    assert sql_rows(s, "SELECT DISTINCT length(body) FROM notifications"
                       " WHERE type = 'guest_invitation'") == [("0",)]
    # Issuing marked the guests as having a link; bulk-issue skips them.
    status, _, bulk = call(s, "POST", f"/events/{ev['id']}/tokens/bulk", token=owner)
    assert [i["guest_id"] for i in bulk["issued"]] == [alan["id"]]

    # A reminder to everyone who has not answered: Ada only.
    answer = send(s, owner, ev["id"], kind="reminder")
    assert answer["queued"] == [ada["id"]]
    assert {(x["guest_id"], x["reason"]) for x in answer["skipped"]} == {
        (grace["id"], "answered"), (alan["id"], "no_email")}
    settled(s, owner, ev["id"], 4)  # 2 invitations, Grace's RSVP confirmation, the reminder.
    state = delivery(s, owner, ev["id"])
    assert state[ada["id"]]["type"] == "guest_reminder" and state[ada["id"]]["status"] == "sent"
    reminders = sent(s, "guest_reminder")
    assert len(reminders) == 1 and reminders[0]["subject"].startswith("Reminder")

    # Resend: a second message with a link of the same generation (both work;
    # rotating is the way to revoke).
    send(s, owner, ev["id"], guest_ids=[grace["id"]])
    settled(s, owner, ev["id"], 5)
    links = wait_for("two links", lambda: len(sent_links(s, "grace@example.com")) == 2
                     and sent_links(s, "grace@example.com"))
    for link in links:
        status, _, _ = s.request("GET", f"/rsvp/{link}",
                                 headers={**BROWSER, "Accept": "application/json"})
        assert status == 200
    assert len(delivery(s, owner, ev["id"])) == 2  # The latest one per guest.


def test_pending_invitations_stay_sealed_and_show_their_attempts(servers):
    s = servers("--smtp-url", f"smtp://127.0.0.1:{closed_port()}", "--smtp-tls", "none",
                "--notify-backoff-ms", "60000")
    owner, _ = user(s, "owner@example.com")
    ev = create(s, owner)
    grace = add_guest(s, owner, ev["id"], name="Grace Hopper", email="grace@example.com")
    send(s, owner, ev["id"])
    state = wait_for("an attempt", lambda: (d := delivery(s, owner, ev["id"])).get(grace["id"])
                     and d[grace["id"]]["attempts"] >= 1 and d)
    assert state[grace["id"]]["status"] == "pending"
    [(body,)] = sql_rows(s, "SELECT body FROM notifications WHERE type = 'guest_invitation'")
    assert body.startswith("gs1.") and "/rsvp/" not in body
    [(payload,)] = sql_rows(s, "SELECT payload FROM guard_outbox"
                               " WHERE subject LIKE '%guest.invited'")
    assert "link_sealed" in payload and "/rsvp/" not in payload


def test_validation_and_roles(servers):
    s = servers()
    owner, _ = user(s, "owner@example.com")
    viewer, viewer_id = user(s, "viewer@example.com")
    stranger, _ = user(s, "stranger@example.com")
    ev = create(s, owner)
    from test_events import add_member
    add_member(s, ev["id"], viewer_id, "viewer")
    path = f"/events/{ev['id']}/invitations"
    for body in ({"kind": "party"}, {"guest_ids": "1"}, {"guest_ids": [0]}, {"guest_ids": ["x"]},
                 {"guest_ids": list(range(1, 5002))}):
        status, _, answer = call(s, "POST", path, body, token=owner)
        error_of(status, answer, 400, "invalid_argument")
    assert send(s, owner, ev["id"]) == {"queued": [], "skipped": []}
    status, _, answer = call(s, "POST", path, {}, token=viewer)
    error_of(status, answer, 403, "permission_denied")
    status, _, _ = call(s, "GET", path, token=viewer)
    assert status == 200
    status, _, answer = call(s, "POST", path, {}, token=stranger)
    error_of(status, answer, 404, "not_found")
