"""Signing keys: `guestguard-server keygen`, key rotation, and the development
keyring file that keeps guest links working across restarts.

Stdlib only.
"""
import base64
import os
import re
import stat
import subprocess
import tempfile

from test_accounts import call
from test_events import create, user
from test_guests import add_guest, issue, rsvp_get
from test_http import BIN, TIMEOUT, Server

ENTRY = re.compile(r"^([A-Za-z0-9_-]{1,16}):([A-Za-z0-9+/]{43}=)$")


def keygen(*args, stdin=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GUESTGUARD_")}
    p = subprocess.run([BIN, "keygen", *args], input=stdin, capture_output=True, text=True,
                       env=env, timeout=TIMEOUT)
    return p.returncode, p.stdout, p.stderr


def entries(spec):
    return [ENTRY.match(e) for e in spec.strip().split(",")]


def guest_link(s, email="host@example.com"):
    """Signs up a host, creates an event with a guest and issues the guest's token."""
    token, _ = user(s, email)
    ev = create(s, token)
    guest = add_guest(s, token, ev["id"])
    return issue(s, token, ev["id"], guest["id"])["token"]


def opens(s, guest_token):
    status, body = rsvp_get(s, guest_token)
    return status == 200 and body["guest"]["name"] == "Grace Hopper"


def test_keygen_prints_one_entry_of_32_random_bytes():
    code, out, err = keygen()
    assert code == 0, err
    assert out.endswith("\n") and out.count("\n") == 1
    (m,) = entries(out)
    assert m, out
    assert re.fullmatch(r"k\d{8}", m.group(1))
    assert len(base64.b64decode(m.group(2))) == 32
    code, again, _ = keygen("--kid", "spring")
    assert code == 0 and entries(again)[0].group(1) == "spring"
    assert entries(again)[0].group(2) != m.group(2)


def test_keygen_refuses_bad_arguments_without_echoing_secrets():
    assert keygen("--kid", "not valid!")[0] == 2
    assert keygen("--bogus")[0] == 2
    code, _, err = keygen("--rotate", "k1:c2hvcnQtU0VDUkVUSVNI")
    assert code == 2 and "keyring" in err and "c2hvcnQtU0VDUkVUSVNI" not in err
    _, spec, _ = keygen("--kid", "k1")
    code, _, err = keygen("--rotate", spec.strip(), "--kid", "k1")
    assert code == 2 and "already" in err and spec.split(":")[1].strip() not in err


def test_keygen_output_is_a_keyring_the_server_accepts_in_production():
    _, spec, _ = keygen("--kid", "prod1")
    s = Server(["--env", "production"],
               env={"GUESTGUARD_KEYRING": spec.strip(), "GUESTGUARD_ALLOW_LOG_SENDER": "on"})
    try:
        link = guest_link(s)
        assert link.startswith("gg1.") and opens(s, link)
        assert s.stop() == 0
        assert spec.split(":")[1].strip() not in s.stderr()
    finally:
        s.close()


def test_rotation_keeps_old_links_valid_and_signs_new_ones_with_the_new_key():
    with tempfile.TemporaryDirectory() as tmp:
        database = "sqlite:" + os.path.join(tmp, "gg.db")
        _, old_spec, _ = keygen("--kid", "old")
        s = Server(["--keyring", old_spec.strip()], database=database)
        try:
            old_link = guest_link(s)
            assert opens(s, old_link) and s.stop() == 0
        finally:
            s.close()

        # The spec on stdin (keeps it out of the process list), as documented.
        code, rotated, err = keygen("--rotate", "-", stdin="# ours\n" + old_spec)
        assert code == 0, err
        new, old = entries(rotated)
        assert new and old and new.group(1) != "old" and old.group(0) == old_spec.strip()

        s = Server(["--keyring", rotated.strip()], database=database)
        try:
            assert opens(s, old_link)  # Verify-only key: still valid.
            new_link = guest_link(s, "second@example.com")
            assert opens(s, new_link)
            assert s.stop() == 0
        finally:
            s.close()

        # Without the old key the old link dies: rotation is what kept it.
        s = Server(["--keyring", rotated.strip().split(",")[0]], database=database)
        try:
            assert not opens(s, old_link) and opens(s, new_link)
            assert s.stop() == 0
        finally:
            s.close()


def test_development_keyring_file_is_created_once_and_links_survive_a_restart():
    with tempfile.TemporaryDirectory() as tmp:
        db_path = os.path.join(tmp, "gg.db")
        keyring_path = db_path + ".keyring"
        s = Server([], database="sqlite:" + db_path)
        try:
            link = guest_link(s)
            assert opens(s, link) and s.stop() == 0
            first_log = s.stderr()
        finally:
            s.close()
        mode = os.stat(keyring_path).st_mode
        assert stat.S_ISREG(mode) and stat.S_IMODE(mode) == 0o600
        with open(keyring_path) as f:
            content = f.read()
        secret = next(l for l in content.splitlines() if l and not l.startswith("#"))
        assert ENTRY.match(secret)
        assert not [n for n in os.listdir(tmp) if ".tmp." in n]  # No temporary file left.

        s = Server([], database="sqlite:" + db_path)
        try:
            assert opens(s, link)  # Same key after the restart.
            assert s.stop() == 0
            second_log = s.stderr()
        finally:
            s.close()
        with open(keyring_path) as f:
            assert f.read() == content  # Reused, not rewritten.
        for log, verb in ((first_log, "created"), (second_log, "reused")):
            assert keyring_path in log and f"KEYRING {verb}" in log
            assert secret.split(":")[1] not in log
            assert secret not in log


def test_a_damaged_development_keyring_file_stops_the_server_without_echoing_it():
    with tempfile.TemporaryDirectory() as tmp:
        db_path = os.path.join(tmp, "gg.db")
        with open(db_path + ".keyring", "w") as f:
            f.write("k1:U0VDUkVUSVNI\n")
        p = subprocess.run([BIN, "--listen", "127.0.0.1:0", "--database", "sqlite:" + db_path],
                           capture_output=True, text=True, timeout=TIMEOUT,
                           env={k: v for k, v in os.environ.items()
                                if not k.startswith("GUESTGUARD_")})
        assert p.returncode == 1
        assert db_path + ".keyring" in p.stderr and "U0VDUkVUSVNI" not in p.stderr


def test_production_without_a_keyring_exits_2_and_writes_no_keyring_file():
    with tempfile.TemporaryDirectory() as tmp:
        db_path = os.path.join(tmp, "gg.db")
        p = subprocess.run([BIN, "--listen", "127.0.0.1:0", "--database", "sqlite:" + db_path,
                            "--env", "production"], capture_output=True, text=True,
                           timeout=TIMEOUT, env={k: v for k, v in os.environ.items()
                                                 if not k.startswith("GUESTGUARD_")})
        assert p.returncode == 2
        assert "refusing to start in production without a keyring" in p.stderr
        assert "GUESTGUARD_KEYRING" in p.stderr
        assert os.listdir(tmp) == []
