"""The exception family: one mapping from the extension's StatusCode to a class
(guestguard._errors.from_status), and the extension's one error path into it."""

import pathlib
import sqlite3
import subprocess
import sys

import pytest

import guestguard as gg
from guestguard import _errors, _guestguard
from conftest import KEYRING_SPEC

CLASSES = {
    "INVALID_ARGUMENT": gg.InvalidArgument, "NOT_FOUND": gg.NotFound,
    "ALREADY_EXISTS": gg.AlreadyExists, "PERMISSION_DENIED": gg.PermissionDenied,
    "FAILED_PRECONDITION": gg.FailedPrecondition, "UNAVAILABLE": gg.Unavailable,
    "DATA_LOSS": gg.DataLoss, "INTERNAL": gg.Internal,
}


@pytest.mark.parametrize("code", [c for c in _guestguard.StatusCode.__members__.values()
                                  if c.name != "OK"], ids=lambda c: c.name)
def test_each_status_code_maps_to_its_class_or_the_base(code):
    error = _errors.from_status(code, "why it failed")
    assert type(error) is CLASSES.get(code.name, gg.Error)
    assert error.code == code.name and str(error) == "why it failed"


def test_status_codes_are_absls_seventeen_canonical_codes():
    codes = _guestguard.StatusCode.__members__
    assert len(codes) == 17 and int(codes["OK"]) == 0 and int(codes["UNAUTHENTICATED"]) == 16
    assert int(codes["INVALID_ARGUMENT"]) == 3 and int(codes["DATA_LOSS"]) == 15


def _unavailable(tmp_path):
    path = tmp_path / "locked.db"
    store = _guestguard.new_sqlite_store(f"sqlite:{path}", 0.05)
    lock = sqlite3.connect(path, isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")
    try:
        store.set_thresholds("ev1", gg.Thresholds())
    finally:
        lock.execute("ROLLBACK")
        lock.close()


def _data_loss(tmp_path):
    gg.Baseline.parse(b"junk")


def _already_exists(tmp_path):
    with gg.Guard(keyring=KEYRING_SPEC) as guard:
        guard.add_allowlist("ev1", "10.0.0.0/8")
        guard.add_allowlist("ev1", "10.0.0.0/8")


def _not_found(tmp_path):
    with gg.Guard(keyring=KEYRING_SPEC) as guard:
        guard.get_access("ev1", "no-such-access")


REAL_FAILURES = {
    "INVALID_ARGUMENT": lambda tmp_path: gg.Cidr("10.0.0.0/33"),
    "NOT_FOUND": _not_found,
    "ALREADY_EXISTS": _already_exists,
    "PERMISSION_DENIED": lambda tmp_path: gg.Guard(
        keyring=KEYRING_SPEC, store=f"sqlite:{tmp_path / 'no-such-dir' / 'g.db'}"),
    "FAILED_PRECONDITION": lambda tmp_path: gg.sign_token(gg.Keyring(), gg.TokenClaims(
        event_id="ev1", guest_id="g1")),
    "UNAVAILABLE": _unavailable,
    "DATA_LOSS": _data_loss,
}


@pytest.mark.parametrize("code", sorted(REAL_FAILURES))
def test_a_real_failure_in_cpp_raises_the_class_of_its_code(code, tmp_path):
    with pytest.raises(gg.Error) as e:
        REAL_FAILURES[code](tmp_path)
    assert type(e.value) is CLASSES[code] and e.value.code == code and str(e.value)


def test_the_factory_receives_the_code_and_message_and_its_own_failure_surfaces():
    seen = []

    def recording(code, message):
        seen.append((code, message))
        return KeyError(message)

    try:
        _guestguard._set_error_factory(recording)
        with pytest.raises(KeyError):
            gg.Cidr("10.0.0.0/33")
        _guestguard._set_error_factory(lambda code, message: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            gg.IpAddress("junk")
        _guestguard._set_error_factory(lambda code, message: message)
        with pytest.raises(TypeError, match="no exception instance"):
            gg.IpAddress("junk")
        with pytest.raises(TypeError):
            _guestguard._set_error_factory("not callable")
    finally:
        _guestguard._set_error_factory(_errors.from_status)
    [(code, message)] = seen
    assert code == _guestguard.StatusCode.INVALID_ARGUMENT and "32" in message
    with pytest.raises(gg.InvalidArgument):
        gg.Cidr("10.0.0.0/33")


def test_the_extension_alone_raises_its_private_status_error():
    """Loaded without the package (so no factory), in a fresh interpreter."""
    library = pathlib.Path(_guestguard.__file__)
    script = f"""
import importlib.machinery, importlib.util
loader = importlib.machinery.ExtensionFileLoader("_guestguard", {str(library)!r})
spec = importlib.util.spec_from_file_location("_guestguard", {str(library)!r}, loader=loader)
m = importlib.util.module_from_spec(spec)
loader.exec_module(m)
try:
    m.Cidr("10.0.0.0/33")
except m.StatusError as e:
    code, message = e.args
    print(code.name, "|", message)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    code, message = out.strip().split(" | ")
    assert code == "INVALID_ARGUMENT" and "32" in message
