"""The dict round trip of the value types: ``Reason.to_dict``,
``Decision.to_dict`` and ``Decision.from_dict``.

Plain-Python methods installed on the extension's classes by :func:`install`
(called once by ``__init__.py``), so ``guard.check(...).to_dict()`` works on
the objects the extension returns. The dicts hold only str/int/bool/list/dict:
enums as wire names, plus the derived ``label`` and ``allowed``.
"""

from collections.abc import Mapping
from typing import Any

from ._errors import InvalidArgument
from ._guestguard import Band, Decision, Reason, TokenStatus

_TOKEN_STATUSES = {s.wire_name: s for s in TokenStatus.__members__.values()}
_BANDS = {b.wire_name: b for b in Band.__members__.values()}
_MISSING = object()


def _reason_to_dict(self: Reason) -> dict[str, Any]:
    """{"code", "score", "message"}."""
    return {"code": self.code, "score": self.score, "message": self.message}


def _decision_to_dict(self: Decision) -> dict[str, Any]:
    """A JSON-serialisable dict of plain str/int/bool/list/dict: token_status and band as
    wire names, plus the derived label and allowed."""
    return {
        "token_status": self.token_status.wire_name,
        "event_id": self.event_id,
        "guest_id": self.guest_id,
        "score": self.score,
        "band": self.band.wire_name,
        "label": self.label,
        "allowed": self.allowed,
        "allowlisted": self.allowlisted,
        "preview": self.preview,
        "reasons": [_reason_to_dict(r) for r in self.reasons],
        "access_log_id": self.access_log_id,
    }


def _field(data: Mapping, key: str, kind: type, where: str, default: Any = _MISSING) -> Any:
    """data[key], which must be a `kind` (bool is not an int here); `default` when absent,
    InvalidArgument when absent without one."""
    value = data.get(key, _MISSING)
    if value is _MISSING:
        if default is _MISSING:
            raise InvalidArgument(f'{where}: missing key "{key}"')
        return default
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise InvalidArgument(
            f'{where}: "{key}" must be {kind.__name__}, not {type(value).__name__}')
    return value


def _named(names: dict, key: str, data: Mapping) -> Any:
    name = _field(data, key, str, "Decision.from_dict")
    try:
        return names[name]
    except KeyError:
        raise InvalidArgument(f"Decision.from_dict: unknown {key} {name!r}") from None


def _decision_from_dict(data: Mapping[str, Any]) -> Decision:
    """Inverse of to_dict() (label and allowed are derived, so ignored). InvalidArgument
    for a missing key, a value of the wrong type or an unknown name."""
    if not isinstance(data, Mapping):
        raise TypeError(f"Decision.from_dict takes a dict, not {type(data).__name__}")
    where = "Decision.from_dict"
    d = Decision()
    d.token_status = _named(_TOKEN_STATUSES, "token_status", data)
    d.event_id = _field(data, "event_id", str, where, "")
    d.guest_id = _field(data, "guest_id", str, where, "")
    d.score = _field(data, "score", int, where)
    d.band = _named(_BANDS, "band", data)
    d.allowlisted = _field(data, "allowlisted", bool, where, False)
    d.preview = _field(data, "preview", bool, where, False)
    d.access_log_id = _field(data, "access_log_id", str, where, "")
    reasons = []
    for i, r in enumerate(_field(data, "reasons", list, where, [])):
        if not isinstance(r, Mapping):
            raise InvalidArgument(f"{where}: reasons[{i}] must be a dict, not {type(r).__name__}")
        at = f"{where}: reasons[{i}]"
        reasons.append(Reason(_field(r, "code", str, at), _field(r, "score", int, at, 0),
                              _field(r, "message", str, at, "")))
    d.reasons = reasons
    return d


def install() -> None:
    """Adds the methods to the extension's classes (idempotent)."""
    for cls, name, function in [(Reason, "to_dict", _reason_to_dict),
                                (Decision, "to_dict", _decision_to_dict),
                                (Decision, "from_dict", _decision_from_dict)]:
        function.__name__ = name
        function.__qualname__ = f"{cls.__name__}.{name}"
        setattr(cls, name, staticmethod(function) if name == "from_dict" else function)
