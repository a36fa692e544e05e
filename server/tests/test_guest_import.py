"""End-to-end tests of the guest CSV import (/events/{id}/guests/import/...).

Parametrised over SQLite and PostgreSQL like test_guests.py. Stdlib only.
"""
import json

from test_accounts import call, error_of
from test_events import add_member, create, user
from test_guests import add_guest

HEADER = "name,email,phone,plus_ones_allowed\r\n"


def csv_call(s, token, event_id, kind, body, content_type="text/csv"):
    headers = {"Authorization": f"Bearer {token}"}
    if content_type is not None:
        headers["Content-Type"] = content_type
    status, _, payload = s.request("POST", f"/events/{event_id}/guests/import/{kind}",
                                   body=body.encode("utf-8"), headers=headers)
    return status, (json.loads(payload) if payload else None)


def guests_of(s, token, event_id):
    status, _, body = call(s, "GET", f"/events/{event_id}/guests", token=token)
    assert status == 200, body
    return body["guests"]


def test_template(srv):
    token, _ = user(srv, "alice@example.com")
    ev = create(srv, token)
    status, hdrs, payload = srv.request("GET", f"/events/{ev['id']}/guests/import/template",
                                        headers={"Authorization": f"Bearer {token}"})
    assert status == 200
    assert hdrs["content-type"].startswith("text/csv")
    assert payload.decode().strip() == "name,email,phone,plus_ones_allowed"
    viewer, viewer_id = user(srv, "vic@example.com")
    add_member(srv, ev["id"], viewer_id, "viewer")
    status, _, _ = srv.request("GET", f"/events/{ev['id']}/guests/import/template",
                               headers={"Authorization": f"Bearer {viewer}"})
    assert status == 200
    status, _, _ = srv.request("GET", f"/events/{ev['id']}/guests/import/template")
    assert status == 401


def test_preview_reports_row_errors(srv):
    token, _ = user(srv, "alice@example.com")
    ev = create(srv, token)
    add_guest(srv, token, ev["id"], name="Existing", email="taken@example.com")
    body = ("\ufeffName , EMAIL,phone,Plus_Ones_Allowed\r\n"
            "\"Hopper, Grace\",Grace@Example.COM,+44 20 7946 0000,2\r\n"
            "  Ada  ,,,\r\n"
            ",not-an-email," + "9" * 41 + ",21\r\n"
            "Dup,grace@example.com,,x\r\n"
            "Old,TAKEN@example.com,,0\r\n"
            "Short,a@example.com\r\n"
            "\"Multi\nLine\",b@example.com,,-1\r\n")
    status, got = csv_call(srv, token, ev["id"], "preview", body)
    assert status == 200, got
    assert got["valid"] == 2 and got["invalid"] == 5
    rows = got["rows"]
    assert [r["line"] for r in rows] == [2, 3, 4, 5, 6, 7, 8]
    assert rows[0] == {"line": 2, "name": "Hopper, Grace", "email": "grace@example.com",
                       "phone": "+44 20 7946 0000", "plus_ones_allowed": 2, "errors": []}
    assert rows[1] == {"line": 3, "name": "Ada", "email": "", "phone": "",
                       "plus_ones_allowed": 0, "errors": []}
    assert len(rows[2]["errors"]) == 4  # name, email, phone, plus ones
    assert "name is required" in rows[2]["errors"]
    assert any("email" in e for e in rows[2]["errors"])
    assert any("phone" in e for e in rows[2]["errors"])
    assert any("plus_ones_allowed" in e for e in rows[2]["errors"])
    assert rows[3]["errors"] == ["email duplicates line 2",
                                 "plus_ones_allowed must be an integer from 0 to 20"]
    assert rows[3]["plus_ones_allowed"] == "x"
    assert rows[4]["errors"] == ["email is already used by a guest of this event"]
    assert rows[5]["errors"] == ["expected 4 fields, got 2"]
    assert rows[6]["name"] == "Multi\nLine"
    # A line break inside a quoted name is valid CSV but not a valid name (issue 15, fault 8).
    assert rows[6]["errors"] == ["name must not hold line breaks or control characters",
                                 "plus_ones_allowed must be an integer from 0 to 20"]
    assert len(guests_of(srv, token, ev["id"])) == 1  # Preview writes nothing.


def test_commit_all_or_nothing(srv):
    token, _ = user(srv, "alice@example.com")
    ev = create(srv, token)
    bad = HEADER + "Grace,grace@example.com,,1\r\nAda,ada@example.com,,99\r\n"
    status, got = csv_call(srv, token, ev["id"], "commit", bad)
    assert status == 400, got
    assert got["error"]["code"] == "invalid_argument"
    assert got["valid"] == 1 and got["invalid"] == 1
    assert got["rows"][1]["errors"] == ["plus_ones_allowed must be an integer from 0 to 20"]
    assert guests_of(srv, token, ev["id"]) == []

    good = HEADER + "Grace,Grace@example.com,+1 555,1\nAda,,,\n\"Lin, Bob\",bob@example.com,,20\n"
    status, got = csv_call(srv, token, ev["id"], "commit", good)
    assert status == 201, got
    assert got == {"created": 3}
    guests = guests_of(srv, token, ev["id"])
    assert [(g["name"], g["email"], g["phone"], g["plus_ones_allowed"]) for g in guests] == [
        ("Grace", "grace@example.com", "+1 555", 1), ("Ada", "", "", 0),
        ("Lin, Bob", "bob@example.com", "", 20)]

    # A second import of the same file clashes with the guests now there.
    status, got = csv_call(srv, token, ev["id"], "commit", good)
    assert status == 400, got
    assert got["invalid"] == 2
    assert got["rows"][0]["errors"] == ["email is already used by a guest of this event"]
    assert len(guests_of(srv, token, ev["id"])) == 3


def test_duplicate_against_existing_guest(srv):
    token, _ = user(srv, "alice@example.com")
    ev = create(srv, token)
    other = create(srv, token)
    add_guest(srv, token, ev["id"], email="grace@example.com")
    body = HEADER + "Grace,GRACE@example.com,,0\n"
    status, got = csv_call(srv, token, ev["id"], "preview", body)
    assert status == 200 and got["invalid"] == 1
    assert got["rows"][0]["errors"] == ["email is already used by a guest of this event"]
    # Another event's guests do not count.
    status, got = csv_call(srv, token, other["id"], "commit", body)
    assert status == 201 and got == {"created": 1}


def test_roles(srv):
    token, _ = user(srv, "alice@example.com")
    ev = create(srv, token)
    viewer, viewer_id = user(srv, "vic@example.com")
    add_member(srv, ev["id"], viewer_id, "viewer")
    editor, editor_id = user(srv, "eve@example.com")
    add_member(srv, ev["id"], editor_id, "editor")
    body = HEADER + "Grace,,,\n"
    status, got = csv_call(srv, viewer, ev["id"], "commit", body)
    error_of(status, got, 403, "permission_denied")
    status, got = csv_call(srv, viewer, ev["id"], "preview", body)
    error_of(status, got, 403, "permission_denied")
    stranger, _ = user(srv, "sam@example.com")
    status, got = csv_call(srv, stranger, ev["id"], "commit", body)
    error_of(status, got, 404, "not_found")
    status, got = csv_call(srv, editor, ev["id"], "commit", body)
    assert status == 201 and got == {"created": 1}


def test_content_type_and_malformed_bodies(srv):
    token, _ = user(srv, "alice@example.com")
    ev = create(srv, token)
    body = HEADER + "Grace,,,\n"
    for ctype in ("application/json", None, "text/plain"):
        for kind in ("preview", "commit"):
            status, got = csv_call(srv, token, ev["id"], kind, body, content_type=ctype)
            error_of(status, got, 415, "unsupported_media_type")
    status, got = csv_call(srv, token, ev["id"], "preview", body,
                           content_type="Text/CSV; charset=utf-8")
    assert status == 200 and got["valid"] == 1

    for bad in ("", "name,email,phone\nGrace,,\n", "email,name,phone,plus_ones_allowed\n",
                "name,email,phone,plus_ones_allowed,extra\n"):
        status, got = csv_call(srv, token, ev["id"], "commit", bad)
        assert "header" in error_of(status, got, 400, "invalid_argument") or bad == ""
    status, got = csv_call(srv, token, ev["id"], "preview", HEADER + "\"Grace,,,\n")
    assert "unterminated" in error_of(status, got, 400, "invalid_argument")
    status, got = csv_call(srv, token, ev["id"], "preview", HEADER + "a,,,\n" * 5001)
    assert "5000" in error_of(status, got, 400, "invalid_argument")
    status, got = csv_call(srv, token, ev["id"], "preview", HEADER + "a,,,\n" * 5000)
    assert status == 200 and got["valid"] == 5000
    assert guests_of(srv, token, ev["id"]) == []
