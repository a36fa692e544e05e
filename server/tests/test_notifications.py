"""End-to-end tests of the notification worker: RSVP confirmations, fraud
alerts and collaborator invites, through the outbox, the bus, the inbox and
the delivery loop, to the log sender or a real SMTP exchange with a local sink
(server/tests/smtp_sink.py) — on SQLite and PostgreSQL.
"""
import email
import email.policy
import os
import re
import stat
import time

from smtp_sink import SmtpSink, closed_port
from test_accounts import call, sent
from test_events import add_member, create, user
from test_guests import BROWSER_SIGNALS, CURL, add_guest, issue, rsvp_get, rsvp_post, sql_rows
from test_http import Server

LINK = re.compile(r"/invites/([A-Za-z0-9_-]+)")


def notifications(s, token, event_id):
    status, _, body = call(s, "GET", f"/events/{event_id}/notifications?limit=100", token=token)
    assert status == 200, body
    return body["notifications"]


def wait_for(what, predicate, timeout=20):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def settled(s, token, event_id, count):
    """The event's notifications once `count` exist and none is pending."""
    def done():
        got = notifications(s, token, event_id)
        return got if len(got) == count and all(n["status"] != "pending" for n in got) else None
    return wait_for(f"{count} settled notifications", done)


def rsvp_yes(s, owner, event_id, email):
    g = add_guest(s, owner, event_id, name=email.split("@")[0], email=email)
    link = issue(s, owner, event_id, g["id"])["token"]
    status, body = rsvp_post(s, link, {"response": "yes", "plus_ones": 0,
                                       "signals": BROWSER_SIGNALS})
    assert status == 200, body
    return g


ACCOUNT_SUBJECTS = ("Subject: Verify your email address", "Subject: Someone tried to sign up")


def event_mail(messages):
    """The messages a sink received, without the account emails of signing up."""
    return [m for m in messages if not any(a in m["data"] for a in ACCOUNT_SUBJECTS)]


def header(message, name):
    m = re.search(rf"^{name}: (.*)$", message["data"], re.M | re.I)
    return m.group(1).strip() if m else None


def parts(message):
    """(subject, text, html) of a delivered message, checked to be
    multipart/alternative with a text/plain then a text/html part, UTF-8,
    CRLF line endings."""
    data = message["data"]
    assert "\n" not in data.replace("\r\n", ""), "a bare LF on the wire"
    parsed = email.message_from_string(data, policy=email.policy.default)
    assert parsed.get_content_type() == "multipart/alternative", data[:400]
    text, html = parsed.get_payload()
    assert text.get_content_type() == "text/plain" and html.get_content_type() == "text/html"
    assert text.get_content_charset() == html.get_content_charset() == "utf-8"
    return str(parsed["Subject"]), text.get_content(), html.get_content()


def test_log_sender_is_the_default(backend):
    kind, url, schema = backend
    # No mail directory (GUESTGUARD_MAIL_DIR empty), no SMTP: the log sender.
    s = Server(["--threads", "4", "--notify-poll-ms", "50"], database=url,
               env={"GUESTGUARD_MAIL_DIR": ""})
    s.kind, s.schema = kind, schema
    try:
        assert s.mail_dir is None
        owner, _ = user(s, "owner@example.com")  # Verified in the database (no mail to read).
        ev = create(s, owner)
        rsvp_yes(s, owner, ev["id"], "grace@example.com")
        [n] = settled(s, owner, ev["id"], 1)
        assert n["type"] == "rsvp_confirmation" and n["channel"] == "log"
        assert n["status"] == "sent" and n["attempts"] == 1
        assert n["recipient"] == "grace@example.com"
        lines = s.log_lines()
        notes = [r for r in lines
                 if r["msg"] == "notification" and r["type"] == "rsvp_confirmation"]
        assert len(notes) == 1 and notes[0]["recipient"] == "grace@example.com"
        assert ev["name"] in notes[0]["subject"]
        assert s.stop() == 0, s.stderr()
    finally:
        s.close()


def test_the_mail_dir_sink_writes_one_private_eml_per_message(servers):
    s = servers()
    owner, _ = user(s, "owner@example.com")
    ev = create(s, owner)
    rsvp_yes(s, owner, ev["id"], "grace@example.com")
    [n] = settled(s, owner, ev["id"], 1)
    assert n["type"] == "rsvp_confirmation" and n["channel"] == "mail-dir"
    assert n["status"] == "sent" and n["attempts"] == 1 and n["recipient"] == "grace@example.com"
    [note] = sent(s, "rsvp_confirmation")
    assert note["recipient"] == "grace@example.com" and ev["name"] in note["subject"]
    names = [f for f in os.listdir(s.mail_dir) if f.endswith(".eml")]
    assert len(names) == 2  # The owner's verification mail and the confirmation.
    for name in names:
        path = os.path.join(s.mail_dir, name)
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        raw = open(path, "rb").read()
        head = raw.split(b"\r\n\r\n", 1)[0].decode()
        for field in ("Date", "From", "To", "Message-ID", "Subject", "MIME-Version"):
            assert re.search(rf"^{field}: ", head, re.M), head
        assert b"\n" not in raw.replace(b"\r\n", b"")  # CRLF line ends only.
    assert not any("/console/verify#" in line for line in s.stderr().splitlines())


def test_rsvp_confirmation_and_invite_by_smtp_with_sealed_links(servers):
    with SmtpSink() as sink:
        s = servers("--smtp-url", f"smtp://127.0.0.1:{sink.port}", "--smtp-tls", "none",
                    "--smtp-from", "GuestGuard <noreply@example.com>")
        owner, _ = user(s, "owner@example.com")
        ev = create(s, owner)
        rsvp_yes(s, owner, ev["id"], "grace@example.com")
        status, _, body = call(s, "POST", f"/events/{ev['id']}/collaborators",
                               {"email": "cy@example.com", "role": "editor"}, token=owner)
        assert status == 201, body
        got = settled(s, owner, ev["id"], 2)
        assert sorted(n["type"] for n in got) == ["collaborator_invite", "rsvp_confirmation"]
        assert all(n["status"] == "sent" and n["channel"] == "email" for n in got)
        messages = wait_for("two messages", lambda: len(event_mail(sink.snapshot()[0])) == 2
                            and event_mail(sink.snapshot()[0]))
        by_to = {m["to"][0]: m for m in messages}
        assert set(by_to) == {"<grace@example.com>", "<cy@example.com>"}
        assert all(m["from"].startswith("FROM:<noreply@example.com>") or
                   m["from"] == "<noreply@example.com>" for m in messages), messages
        # The provider id recorded is the Message-ID the sink received.
        ids = {n["recipient"]: n["provider_id"] for n in got}
        assert ids["grace@example.com"] == header(by_to["<grace@example.com>"], "Message-ID")
        _, invite_text, invite_html = parts(by_to["<cy@example.com>"])
        invite_token = LINK.findall(invite_text)[0]
        assert f'href="http://127.0.0.1:{s.port}/invites/{invite_token}"' in invite_html
        subject, text, html = parts(by_to["<grace@example.com>"])
        assert subject == f"Your RSVP to {ev['name']}"
        assert "Your answer: Yes, I will come" in text and "Hello grace," in text
        assert "We have your answer</h1>" in html and "Yes, I will come" in html
        status, _, preview = call(s, "GET", f"/invites/{invite_token}")
        assert status == 200 and preview["role"] == "editor", preview
        # The invite token is nowhere at rest: not in the outbox, the
        # notifications (emptied once sent) or the invites table (hash only).
        dump = [str(r) for table in ("guard_outbox", "notifications", "event_invites",
                                     "dead_letters")
                for r in sql_rows(s, f"SELECT * FROM {table}")]
        assert dump and not any(invite_token in row for row in dump)
        assert sql_rows(s, "SELECT length(body) FROM notifications"
                           " WHERE type = 'collaborator_invite'") == [("0",)]


def test_fraud_alert_goes_to_owners_and_editors_only(servers):
    with SmtpSink() as sink:
        s = servers("--smtp-url", f"smtp://127.0.0.1:{sink.port}", "--smtp-tls", "none")
        owner, _ = user(s, "owner@example.com")
        _, editor_id = user(s, "editor@example.com")
        _, viewer_id = user(s, "viewer@example.com")
        ev = create(s, owner)
        add_member(s, ev["id"], editor_id, "editor")
        add_member(s, ev["id"], viewer_id, "viewer")
        g = add_guest(s, owner, ev["id"])  # No email: no confirmation to send.
        link = issue(s, owner, ev["id"], g["id"])["token"]
        assert rsvp_get(s, link)[0] == 200
        status, _ = rsvp_get(s, link, headers=CURL)  # Automation from the same IP: blocked.
        assert status == 403
        got = settled(s, owner, ev["id"], 2)
        assert {n["recipient"] for n in got} == {"owner@example.com", "editor@example.com"}
        assert all(n["type"] == "fraud_alert" and n["status"] == "sent" for n in got)
        messages = wait_for("two alerts", lambda: len(event_mail(sink.snapshot()[0])) == 2
                            and event_mail(sink.snapshot()[0]))
        for m in messages:
            subject, text, html = parts(m)
            assert subject.startswith("Blocked: ") and ev["name"] in subject, subject
            assert "It was refused." in text and "Why:" in text, text
            console = f"http://127.0.0.1:{s.port}/console/events/{ev['id']}/activity?guest={g['id']}"
            assert console in text and f'href="{console}"' in html, html
            assert "<li" in html and "automation" in html.lower(), html


def test_a_delivered_email_encodes_a_non_ascii_event_and_escapes_the_guest_name(servers):
    with SmtpSink() as sink:
        s = servers("--smtp-url", f"smtp://127.0.0.1:{sink.port}", "--smtp-tls", "none")
        owner, _ = user(s, "owner@example.com")
        ev = create(s, owner, name="F\u00eate d'\u00e9t\u00e9 \u2014 Z\u00fcrich")
        g = add_guest(s, owner, ev["id"], name='<script>&"', email="zoe@example.com")
        link = issue(s, owner, ev["id"], g["id"])["token"]
        status, body = rsvp_post(s, link, {"response": "maybe", "plus_ones": 0,
                                           "signals": BROWSER_SIGNALS})
        assert status == 200, body
        settled(s, owner, ev["id"], 1)
        [m] = wait_for("the confirmation", lambda: event_mail(sink.snapshot()[0]))
        raw_subject = re.search(r"^Subject: (.*(?:\r\n .*)*)", m["data"], re.M).group(1)
        assert raw_subject.startswith("=?UTF-8?B?") and raw_subject.isascii(), raw_subject
        subject, text, html = parts(m)
        assert subject == f"Your RSVP to {ev['name']}"
        assert 'Hello <script>&",' in text
        assert "<script>" not in html and "Hello &lt;script&gt;&amp;&quot;," in html, html
        assert ev["name"].replace("'", "&#39;") in html


def test_a_flaky_smtp_server_gets_every_message_exactly_once(servers):
    with SmtpSink(fail_rate=0.3, seed=7) as sink:
        s = servers("--smtp-url", f"smtp://127.0.0.1:{sink.port}", "--smtp-tls", "none",
                    "--notify-backoff-ms", "20", "--notify-max-attempts", "20")
        owner, _ = user(s, "owner@example.com")
        # The owner's verification email gets through first; its refusals are not counted.
        wait_for("the verification email", lambda: len(sink.snapshot()[0]) == 1)
        refused_before = sink.snapshot()[1]
        ev = create(s, owner)
        emails = [f"guest{i}@example.com" for i in range(12)]
        for email in emails:
            rsvp_yes(s, owner, ev["id"], email)
        got = settled(s, owner, ev["id"], len(emails))
        assert all(n["status"] == "sent" for n in got)
        messages, refused = sink.snapshot()
        refused -= refused_before
        assert sorted(m["to"][0] for m in event_mail(messages)) == \
            sorted(f"<{e}>" for e in emails)
        assert refused > 0, "the sink refused nothing: the retry path went untested"
        assert sum(n["attempts"] for n in got) == len(emails) + refused
        retried = [n for n in got if n["attempts"] > 1]
        assert retried and all(n["last_error"] is None for n in got)


def test_an_smtp_server_down_for_good_fails_after_the_bounded_attempts(servers):
    s = servers("--smtp-url", f"smtp://127.0.0.1:{closed_port()}", "--smtp-tls", "none",
                "--notify-backoff-ms", "100", "--notify-max-attempts", "3")
    owner, _ = user(s, "owner@example.com")
    ev = create(s, owner)
    started = time.monotonic()
    rsvp_yes(s, owner, ev["id"], "grace@example.com")
    [n] = settled(s, owner, ev["id"], 1)
    elapsed = time.monotonic() - started
    assert n["status"] == "failed" and n["attempts"] == 3, n
    assert "smtp" in n["last_error"].lower()
    # Two backoffs of at least half of 100 ms and 200 ms: no hot loop.
    assert elapsed >= 0.15, elapsed
    time.sleep(0.5)
    [again] = notifications(s, owner, ev["id"])
    assert again["attempts"] == 3 and again["status"] == "failed"


def test_notifications_are_editor_only_and_paginated(servers):
    s = servers()
    owner, _ = user(s, "owner@example.com")
    viewer, viewer_id = user(s, "viewer@example.com")
    ev = create(s, owner)
    add_member(s, ev["id"], viewer_id, "viewer")
    for i in range(3):
        rsvp_yes(s, owner, ev["id"], f"g{i}@example.com")
    settled(s, owner, ev["id"], 3)
    status, _, body = call(s, "GET", f"/events/{ev['id']}/notifications", token=viewer)
    assert status == 403, body
    status, _, page = call(s, "GET", f"/events/{ev['id']}/notifications?limit=2", token=owner)
    assert status == 200 and len(page["notifications"]) == 2 and page["next_before"]
    status, _, rest = call(s, "GET", f"/events/{ev['id']}/notifications?limit=2&before="
                           f"{page['next_before']}", token=owner)
    assert status == 200 and len(rest["notifications"]) == 1 and rest["next_before"] is None
    ids = [n["id"] for n in page["notifications"] + rest["notifications"]]
    assert ids == sorted(ids, key=int, reverse=True) and len(set(ids)) == 3
    for bad in ("limit=0", "limit=101", "before=x", "before=-1"):
        status, _, body = call(s, "GET", f"/events/{ev['id']}/notifications?{bad}", token=owner)
        assert status == 400, (bad, body)
