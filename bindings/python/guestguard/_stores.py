"""Store URLs: the one place a ``store=`` string becomes a store of the extension.

Accepted (the backends this package links): ``"memory"``, ``"sqlite:<path>"``
and ``"sqlite::memory:"``. Anything else is :class:`InvalidArgument`, before
anything is opened.
"""

from . import _guestguard
from ._errors import InvalidArgument


def open_store(url: str, max_access_records: int) -> _guestguard.Store:
    """Opens the store `url` names (the GIL is released while it opens).

    max_access_records applies to the memory store only. Raises TypeError for a
    non-str url; PermissionDenied / DataLoss for an unusable SQLite file.
    """
    if not isinstance(url, str):
        raise TypeError(f"store must be a str, not {type(url).__name__}")
    if url == "memory":
        return _guestguard.new_memory_store(max_access_records)
    if url.startswith("sqlite:"):
        return _guestguard.new_sqlite_store(url)
    raise InvalidArgument(
        f'store must be "memory" or "sqlite:<path>" (or "sqlite::memory:"), not "{url}"')
