"""The host console's shell: one HTML page for /, /console/... and an invite
link opened in a browser, with the strict CSP and nothing inline; its
screens are served from /ui/console/... (two and three segments)."""
from test_collaborators import invite
from test_events import create, user


def check_shell(status, headers, body):
    assert status == 200, body
    assert headers["content-type"].startswith("text/html")
    assert headers["cache-control"] == "no-store"
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    page = body.decode()
    assert '<script type="module" src="/ui/console/main.js"></script>' in page
    assert "<script>" not in page and "style=" not in page
    return page


def test_every_console_url_is_the_same_shell(srv):
    pages = set()
    for path in ("/", "/console/signin", "/console/events", "/console/events/12/security"):
        pages.add(check_shell(*srv.request("GET", path, headers={"Accept": "text/html"})))
    assert len(pages) == 1
    # Guest links keep their own page.
    status, _, body = srv.request("GET", "/rsvp/anything", headers={"Accept": "text/html"})
    assert status == 200 and b"/ui/guest/main.js" in body
    status, _, _ = srv.request("GET", "/console/events/12/secrets/x")
    assert status == 404


def test_an_invite_link_is_the_accept_page_in_a_browser_and_json_for_the_api(srv):
    owner, _ = user(srv, "owner@example.com")
    ev = create(srv, owner)
    _, token = invite(srv, owner, ev["id"], "vera@example.com", "viewer")
    page = check_shell(*srv.request("GET", f"/invites/{token}", headers={"Accept": "text/html"}))
    assert token not in page and ev["name"] not in page
    status, _, body = srv.request("GET", f"/invites/{token}", headers={"Accept": "application/json"})
    assert status == 200 and b'"role":"viewer"' in body.replace(b" ", b"")


def test_console_screens_are_served_with_three_segments(srv):
    status, headers, _ = srv.request("GET", "/ui/console/screens/guests.js")
    assert status == 200 and headers["content-type"].startswith("text/javascript")
    status, _, _ = srv.request("GET", "/ui/console/lib/thresholds.js")
    assert status == 200
    for bad in ("/ui/console/.hidden/x.js", "/ui/tests/a/b.js", "/ui/console/screens/x.exe"):
        assert srv.request("GET", bad)[0] == 404, bad
