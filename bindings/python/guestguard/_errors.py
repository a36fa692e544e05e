"""The exception family, and the one place a status code becomes an exception.

The extension raises every non-OK ``absl::Status`` through the factory
installed by the package (``_guestguard._set_error_factory(from_status)``, in
``__init__.py``); this module maps its ``StatusCode`` to a class. Codes with no
class of their own (e.g. ``DEADLINE_EXCEEDED``) raise the base :class:`Error`
with that ``code``.
"""

from ._guestguard import StatusCode

_CLASSES: "dict[StatusCode, type[Error]]" = {}


def _maps(status_code: StatusCode):
    """Class decorator: `cls` is raised for `status_code`, shows it as `cls.code` and is
    shown as part of the package."""

    def register(cls):
        cls.code = status_code.name
        cls.__module__ = "guestguard"
        _CLASSES[status_code] = cls
        return cls

    return register


class Error(Exception):
    """Base of every GuestGuard error. `code` is the canonical status code name, e.g.
    "INVALID_ARGUMENT"."""

    __module__ = "guestguard"
    code: str = "UNKNOWN"


@_maps(StatusCode.INVALID_ARGUMENT)
class InvalidArgument(Error, ValueError):
    """A bad argument: an unparsable id, address, option or naive datetime."""


@_maps(StatusCode.NOT_FOUND)
class NotFound(Error, LookupError):
    """The thing named does not exist (in this event)."""


@_maps(StatusCode.ALREADY_EXISTS)
class AlreadyExists(Error):
    """The thing to create exists already, e.g. the same allowlist block."""


@_maps(StatusCode.PERMISSION_DENIED)
class PermissionDenied(Error):
    """The store cannot be written (file or directory permissions)."""


@_maps(StatusCode.FAILED_PRECONDITION)
class FailedPrecondition(Error):
    """The object is not in a state for this call (e.g. a closed Guard)."""


@_maps(StatusCode.UNAVAILABLE)
class Unavailable(Error):
    """The store is unreachable or busy; retrying may help."""


@_maps(StatusCode.DATA_LOSS)
class DataLoss(Error):
    """Stored data is corrupt, or the file is not a GuestGuard database."""


@_maps(StatusCode.INTERNAL)
class Internal(Error):
    """A bug or an unexpected backend failure."""


def from_status(code: StatusCode, message: str) -> Error:
    """The exception for a non-OK status: its class by `code`, `.code` its name."""
    error = _CLASSES.get(code, Error)(message)
    error.code = code.name
    return error
