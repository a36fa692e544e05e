"""End-to-end tests of the paged guest and RSVP lists (GET /events/{id}/guests
and /rsvps: bounded ?limit=, opaque keyset ?cursor=, filters applied on the
server so that paging and filtering agree, RSVP counts over the whole event).

Parametrised over SQLite and PostgreSQL like test_guests.py. Stdlib only.
"""
import base64
import urllib.parse

from test_accounts import call, error_of
from test_checkin_bulk import checkin
from test_events import add_member, create, user
from test_guest_import import HEADER, csv_call
from test_guests import BROWSER_SIGNALS, CURL, add_guest, issue, rsvp_get, rsvp_post


def get(s, token, path, **query):
    if query:
        path += "?" + urllib.parse.urlencode(query)
    return call(s, "GET", path, token=token)


def walk(s, token, path, key, **query):
    """Every page of a list: (items in order, number of pages)."""
    items, pages, cursor = [], 0, None
    while True:
        q = dict(query, **({"cursor": cursor} if cursor else {}))
        status, _, body = get(s, token, path, **q)
        assert status == 200, body
        items += body[key]
        pages += 1
        assert pages < 100, "the cursor never ends"
        if "next_cursor" not in body:
            return items, pages, body
        cursor = body["next_cursor"]
        assert isinstance(cursor, str) and cursor


def import_guests(s, token, event_id, n, prefix="Guest"):
    rows = "".join(f"{prefix} {i:04d},{prefix.lower()}{i}@example.com,,0\r\n" for i in range(n))
    status, body = csv_call(s, token, event_id, "commit", HEADER + rows)
    assert status == 201 and body == {"created": n}, body


def test_guest_pages_are_bounded_and_the_cursor_walks_every_guest_once(srv):
    token, _ = user(srv, "alice@example.com")
    ev = create(srv, token)
    import_guests(srv, token, ev["id"], 250)
    base = f"/events/{ev['id']}/guests"

    status, _, first = get(srv, token, base)  # Default limit: 100.
    assert status == 200 and len(first["guests"]) == 100 and first["total"] == 250
    assert "next_cursor" in first
    guests, pages, last = walk(srv, token, base, "guests", limit=100)
    assert pages == 3 and "next_cursor" not in last
    ids = [int(g["id"]) for g in guests]
    assert len(ids) == 250 and len(set(ids)) == 250 and ids == sorted(ids)
    assert [g["name"] for g in guests] == [f"Guest {i:04d}" for i in range(250)]
    status, _, everyone = get(srv, token, base, limit=500)
    assert status == 200 and len(everyone["guests"]) == 250 and "next_cursor" not in everyone

    # A page never shifts: a guest added while paging shows on a later page
    # only; one deleted before its page is simply not there.
    status, _, page1 = get(srv, token, base, limit=100)
    add_guest(srv, token, ev["id"], name="Late Comer")
    doomed = guests[150]["id"]
    assert call(srv, "DELETE", f"{base}/{doomed}", token=token)[0] == 204
    rest, _, _ = walk(srv, token, base, "guests", limit=100, cursor=page1["next_cursor"])
    names = [g["name"] for g in page1["guests"] + rest]
    assert len(names) == 250 and names[-1] == "Late Comer" and "Guest 0150" not in names

    for bad in ("0", "501", "-1", "abc", "1.5", ""):
        status, _, body = get(srv, token, base, limit=bad)
        assert error_of(status, body, 400, "invalid_argument") == \
            "limit must be an integer from 1 to 500", bad
    rsvp_cursor = base64.urlsafe_b64encode(b"r:1:1").decode().rstrip("=")
    negative = base64.urlsafe_b64encode(b"g:-5").decode().rstrip("=")
    for bad in ("garbage!", "Zzz", rsvp_cursor, negative, "x" * 200, ""):
        status, _, body = get(srv, token, base, cursor=bad)
        assert error_of(status, body, 400, "invalid_argument") == "invalid cursor", bad


def test_filters_apply_on_the_server_and_page_together(srv):
    token, _ = user(srv, "alice@example.com")
    ev = create(srv, token)
    base = f"/events/{ev['id']}/guests"
    import_guests(srv, token, ev["id"], 12, prefix="Plain")
    guests = [add_guest(srv, token, ev["id"], name=f"Smith {i}", email=f"s{i}@smith.test",
                        plus_ones_allowed=1) for i in range(6)]
    links = [issue(srv, token, ev["id"], g["id"])["token"] for g in guests]
    replies = ["yes", "no", "maybe", "yes", "yes", None]
    for link, reply in zip(links, replies):
        if reply:
            status, body = rsvp_post(srv, link, {"response": reply, "plus_ones": 0,
                                                 "signals": BROWSER_SIGNALS})
            assert status == 200, body
    # Smith 0 checks in; Smith 5 is opened by curl (blocked).
    status, body = checkin(srv, links[0], {"signals": BROWSER_SIGNALS})
    assert status == 200, body
    assert rsvp_get(srv, links[5], headers=CURL)[0] == 403

    def names(**query):
        items, _, _ = walk(srv, token, base, "guests", limit=2, **query)
        return [g["name"] for g in items]

    smiths = [f"Smith {i}" for i in range(6)]
    assert names(q="smith") == smiths
    assert names(q="SMITH.TEST") == smiths  # Email, any case.
    assert names(q="plain 000") == [f"Plain {i:04d}" for i in range(10)]
    assert names(q="100%") == []  # LIKE wildcards are literal.
    assert names(rsvp="yes") == ["Smith 0", "Smith 3", "Smith 4"]
    assert names(rsvp="yes", q="smith 3") == ["Smith 3"]
    assert names(rsvp="maybe") == ["Smith 2"]
    assert len(names(rsvp="none")) == 13 and "Smith 5" in names(rsvp="none")
    assert names(checked="yes") == ["Smith 0"]
    assert len(names(checked="no")) == 17
    assert names(band="block") == ["Smith 5"]
    assert names(band="low") == ["Smith 0", "Smith 1", "Smith 2", "Smith 3", "Smith 4"]
    assert names(band="high") == []
    assert names(band="low", rsvp="yes", checked="no") == ["Smith 3", "Smith 4"]

    status, _, page = get(srv, token, base, q="Smith 0")
    g = page["guests"][0]
    assert g["rsvp"]["response"] == "yes" and g["checked_in"] is True
    assert g["latest_band"] == "low" and g["link_issued_at"] is not None
    assert page["total"] == 18
    status, _, page = get(srv, token, base, q="Plain 0001")
    g = page["guests"][0]
    assert g["rsvp"] is None and g["latest_band"] is None and g["checked_in"] is False
    assert g["link_issued_at"] is None

    for key, bad, message in (
            ("rsvp", "perhaps", 'rsvp must be "yes", "no", "maybe" or "none"'),
            ("band", "red", 'band must be "low", "medium", "high" or "block"'),
            ("checked", "maybe", 'checked must be "yes" or "no"'),
            ("q", "x" * 101, "q must be at most 100 characters")):
        status, _, body = get(srv, token, base, **{key: bad})
        assert error_of(status, body, 400, "invalid_argument") == message


def test_rsvp_pages_walk_every_reply_once_and_counts_cover_the_event(srv):
    alice, _ = user(srv, "alice@example.com")
    viewer, viewer_id = user(srv, "vic@example.com")
    ev = create(srv, alice)
    add_member(srv, ev["id"], viewer_id, "viewer")
    guests = [add_guest(srv, alice, ev["id"], name=f"G{i}", plus_ones_allowed=2)
              for i in range(9)]
    replies = [("yes", 2), ("no", 0), ("maybe", 1), ("yes", 0), ("yes", 1), ("no", 0),
               ("maybe", 0)]
    for g, (response, plus_ones) in zip(guests, replies):
        link = issue(srv, alice, ev["id"], g["id"])["token"]
        status, body = rsvp_post(srv, link, {"response": response, "plus_ones": plus_ones,
                                             "signals": BROWSER_SIGNALS})
        assert status == 200, body
    base = f"/events/{ev['id']}/rsvps"
    counts = {"yes": 3, "no": 2, "maybe": 2, "none": 2, "heads": 3 + 2 + 0 + 1,
              "maybe_heads": 2 + 1}
    items, pages, last = walk(srv, viewer, base, "rsvps", limit=3)
    assert pages == 3 and last["counts"] == counts
    assert [r["guest_name"] for r in items] == [f"G{i}" for i in reversed(range(7))]
    status, _, first = get(srv, viewer, base, limit=3)
    assert len(first["rsvps"]) == 3 and first["counts"] == counts  # Every page: the whole event.
    yes, pages, _ = walk(srv, viewer, base, "rsvps", limit=1, response="yes")
    assert [r["guest_name"] for r in yes] == ["G4", "G3", "G0"] and pages == 3
    status, _, everything = get(srv, viewer, base)
    assert len(everything["rsvps"]) == 7 and "next_cursor" not in everything

    for bad in ("0", "501"):
        status, _, body = get(srv, viewer, base, limit=bad)
        error_of(status, body, 400, "invalid_argument")
    guest_cursor = base64.urlsafe_b64encode(b"g:5").decode().rstrip("=")
    for bad in ("nonsense", guest_cursor):
        status, _, body = get(srv, viewer, base, cursor=bad)
        assert error_of(status, body, 400, "invalid_argument") == "invalid cursor"
    outsider, _ = user(srv, "eve@example.com")
    status, _, body = get(srv, outsider, base)
    error_of(status, body, 404, "not_found")
