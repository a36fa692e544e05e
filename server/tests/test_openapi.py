"""docs/openapi.yaml describes exactly the routes the router registers.

Compares `guestguard-server --print-routes` ("METHOD /path/{param}" lines)
with the document's `paths:` section, read by a tiny parser of our own (no
PyYAML): path keys at indent 2, HTTP method keys at indent 4. Stdlib only.
"""
import pathlib
import subprocess

from test_http import BIN

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def indent_of(line):
    return len(line) - len(line.lstrip(" "))


def document_routes(text):
    """{(METHOD, path)} of the top-level `paths:` section."""
    routes = set()
    in_paths = False
    path = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        depth = indent_of(line)
        if depth == 0:
            in_paths = stripped == "paths:"
            path = None
            continue
        if not in_paths:
            continue
        key = stripped.split(":", 1)[0].strip().strip("'\"")
        if depth == 2 and stripped.endswith(":") and key.startswith("/"):
            path = key
        elif depth == 2:
            path = None
        elif depth == 4 and path is not None and key in METHODS:
            routes.add((key.upper(), path))
    return routes


def server_routes():
    out = subprocess.run([BIN, "--print-routes"], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    routes = set()
    for line in out.stdout.splitlines():
        method, path = line.split(" ", 1)
        routes.add((method, path))
    assert len(routes) == len(out.stdout.splitlines()), "duplicate route lines"
    return routes


def test_parser_reads_paths_and_methods_only():
    text = ("openapi: 3.0.3\npaths:\n  /a/{id}:\n    parameters:\n      - {name: id}\n"
            "    get:\n      summary: x\n      responses:\n        post: {}\n"
            "    delete:\n      summary: y\n  /b:\n    post:\n      summary: z\n"
            "components:\n  /c:\n    get: {}\n")
    assert document_routes(text) == {("GET", "/a/{id}"), ("DELETE", "/a/{id}"), ("POST", "/b")}


def test_print_routes_lists_the_new_routes():
    routes = server_routes()
    for route in (("POST", "/checkin/{token}"), ("POST", "/events/{id}/tokens/bulk"),
                  ("GET", "/events/{id}/rsvps"), ("GET", "/healthz")):
        assert route in routes


def test_openapi_documents_every_route_and_nothing_else():
    documented = document_routes(DOC.read_text(encoding="utf-8"))
    served = server_routes()
    assert not served - documented, f"routes missing from {DOC}: {sorted(served - documented)}"
    assert not documented - served, f"documented but not served: {sorted(documented - served)}"


def test_openapi_declares_the_version_and_error_schema():
    text = DOC.read_text(encoding="utf-8")
    assert "openapi: 3.0.3" in text.splitlines()
    assert "    Error:" in text and "required: [code, message]" in text
