"""`guestguard-server migrate`: applies pending migrations to a fresh SQLite
file and a fresh PostgreSQL schema and exits 0, says nothing is pending the
second time, leaves a database the server then serves from, shows progress
on a terminal (a real pseudo-terminal) and plain JSON log lines elsewhere,
and fails with a clear message and exit 1 on a database it cannot use.
"""
import json
import os
import pty
import re
import sqlite3
import subprocess
import tempfile

from test_accounts import PG_URL, call, psql, signup
from test_http import BIN, Server

STEP = re.compile(r"applying (\d+) of (\d+): (guard|server)/(\d{4})_([a-z0-9_]+)")


def clean_env():
    return {k: v for k, v in os.environ.items() if not k.startswith("GUESTGUARD_")}


def migrate(database, *extra):
    return subprocess.run([BIN, "migrate", "--database", database, *extra], env=clean_env(),
                          capture_output=True, text=True, timeout=120)


def log_lines(stderr):
    lines = [json.loads(line) for line in stderr.splitlines() if line.strip()]
    assert all({"time", "level", "msg"} <= set(line) for line in lines), stderr
    return lines


def tables(kind, url, schema):
    if kind == "sqlite":
        with sqlite3.connect(url[len("sqlite:"):]) as db:
            names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            applied = db.execute("SELECT count(*) FROM schema_migrations").fetchone()[0]
        return names, applied
    names = set(psql(PG_URL, "SELECT table_name FROM information_schema.tables"
                             f" WHERE table_schema = '{schema}'").split())
    applied = int(psql(PG_URL, f"SELECT count(*) FROM {schema}.schema_migrations"))
    return names, applied


def test_migrate_applies_once_and_the_server_then_serves_from_it(backend):  # noqa: F811
    kind, url, schema = backend
    with tempfile.TemporaryDirectory() as tmp:
        url = url or "sqlite:" + os.path.join(tmp, "fresh.db")
        first = migrate(url)
        assert first.returncode == 0, first.stderr
        assert first.stdout == ""
        lines = log_lines(first.stderr)  # Not a terminal: log lines, no control characters.
        assert "\x1b" not in first.stderr and "\r" not in first.stderr
        steps = [line for line in lines if line["msg"] == "applying"]
        total = len(steps)
        assert total >= 10 and [s["step"] for s in steps] == list(range(1, total + 1))
        assert all(s["of"] == total for s in steps)
        assert steps[0]["what"] == "guard/0001_guard_core", steps[0]
        assert steps[-1]["what"].startswith("server/"), steps[-1]
        assert lines[-1]["msg"] == f"applied {total} migrations; the database is up to date"

        names, applied = tables(kind, url, schema)
        assert {"users", "events", "guests", "notifications", "guard_outbox",
                "schema_migrations"} <= names, names
        assert applied == total

        second = migrate(url)
        assert second.returncode == 0, second.stderr
        [line] = log_lines(second.stderr)
        assert line["msg"] == (f"nothing to migrate: the database is up to date"
                               f" ({total} migrations applied)"), line
        assert tables(kind, url, schema)[1] == total

        s = Server(["--threads", "2"], database=url)
        try:
            status, _, body = signup(s)
            assert status == 200, body
            status, _, event = call(s, "POST", "/events",
                                    {"name": "Gala", "starts_at": "2030-06-01T18:00:00Z"},
                                    token=body["token"])
            assert status == 201, event
            assert s.stop() == 0, s.stderr()
        finally:
            s.close()
        assert tables(kind, url, schema)[1] == total  # The server found nothing to apply.


def test_migrate_on_a_terminal_shows_which_migration_with_a_count():
    with tempfile.TemporaryDirectory() as tmp:
        url = "sqlite:" + os.path.join(tmp, "tty.db")
        master, slave = pty.openpty()
        proc = subprocess.Popen([BIN, "migrate", "--database", url], env=clean_env(),
                                stdin=subprocess.DEVNULL, stdout=slave, stderr=slave)
        os.close(slave)
        out = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the child closed the terminal.
                break
            if not chunk:
                break
            out += chunk
        os.close(master)
        assert proc.wait(timeout=60) == 0, out
        text = out.decode()
        steps = STEP.findall(text)
        total = int(steps[0][1])
        assert [int(s[0]) for s in steps] == list(range(1, total + 1)), text
        assert steps[0][2:] == ("guard", "0001", "guard_core"), steps[0]
        # One status line redrawn in place (carriage return, erase line), no log lines.
        assert "\r\x1b[K" in text and '"level"' not in text, text
        assert text.rstrip().endswith(f"applied {total} migrations; the database is up to date")


def test_migrate_fails_with_a_clear_message_on_a_file_that_is_no_database():
    with tempfile.NamedTemporaryFile(suffix=".db") as junk:
        junk.write(b"this is not an SQLite database, just some text" * 100)
        junk.flush()
        result = migrate("sqlite:" + junk.name)
        assert result.returncode == 1, result.stderr
        [line] = log_lines(result.stderr)
        assert line["level"] == "error" and "database" in line["msg"], line


def test_migrate_refuses_bad_flags_with_exit_2():
    result = subprocess.run([BIN, "migrate", "--database", "mysql://db/x"], env=clean_env(),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "--database" in result.stderr and "sqlite:" in result.stderr


def test_version_prints_the_project_version():
    result = subprocess.run([BIN, "--version"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0
    assert re.fullmatch(r"guestguard-server \d+\.\d+\.\d+\n", result.stdout), result.stdout
