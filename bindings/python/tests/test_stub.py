"""_guestguard.pyi says exactly what the extension exports: every public name and
class member on one side is on the other."""

import ast
import pathlib

from guestguard import _guestguard

STUB = pathlib.Path(_guestguard.__file__).with_name("_guestguard.pyi")
# Installed on extension classes by the plain-Python package (guestguard._dicts).
ADDED_BY_THE_PACKAGE = {("Reason", "to_dict"), ("Decision", "to_dict"), ("Decision", "from_dict")}


def _stub():
    """{top-level name: set of member names or None for a non-class}."""
    names = {}
    for node in ast.parse(STUB.read_text()).body:
        if isinstance(node, ast.ClassDef):
            members = set()
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    members.add(item.name)
                elif isinstance(item, ast.AnnAssign):
                    members.add(item.target.id)
            names[node.name] = members
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names[node.name] = None
        elif isinstance(node, ast.AnnAssign) and not node.target.id.startswith("_S"):
            names[node.target.id] = None
    return names


def test_every_name_the_extension_exports_is_in_the_stub_and_back():
    stub = _stub()
    exported = {n for n in vars(_guestguard) if not n.startswith("__") or n == "__version__"}
    assert exported == set(stub)


def test_every_class_member_is_in_the_stub_and_back():
    for name, members in _stub().items():
        if members is None or name == "StatusError":
            continue
        cls = getattr(_guestguard, name)
        public = {m for m in vars(cls) if not m.startswith("_")}
        stubbed = {m for m in members if not m.startswith("_")}
        assert public == stubbed, name
        for member in members:
            assert hasattr(cls, member) or (name, member) in ADDED_BY_THE_PACKAGE, (name, member)
