"""GuestGuard: invite-fraud checks for personal guest links.

Plain Python over the private extension ``guestguard._guestguard``, which
exposes the C++ API one-to-one and releases the GIL around every call that can
block. The conveniences live here: the keyword form of ``Guard.check`` and the
owning, closable :class:`Guard` (``_guard.py``), store URLs (``_stores.py``),
the dict round trip (``_dicts.py``) and the exception family (``_errors.py``).
Typical use::

    import guestguard
    guard = guestguard.Guard(keyring=guestguard.Keyring.generate(), store="memory")
    token = guard.issue_token("gala-2026", "guest-42")
    decision = guard.check(token, client_ip="203.0.113.9", user_agent="Mozilla/5.0 ...",
                           fingerprint="fp-1", timezone="Europe/Paris", language="fr-FR")
    if not decision.allowed:
        refuse(decision.label, decision.reasons)

Errors: every failed call raises a subclass of :class:`guestguard.Error` whose
``code`` is the canonical status name ("INVALID_ARGUMENT", ...). A refused access
is a :class:`Decision` with ``allowed == False``, never an exception.

Times are timezone-aware ``datetime`` objects (returned in UTC); naive datetimes
are rejected with :class:`InvalidArgument`. Durations take a ``timedelta`` or a
number of seconds.
"""

from . import _guestguard
from ._errors import (
    AlreadyExists,
    DataLoss,
    Error,
    FailedPrecondition,
    Internal,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    Unavailable,
    from_status as _from_status,
)

_guestguard._set_error_factory(_from_status)  # Before anything else can fail.

from . import _dicts  # noqa: E402
from ._guard import Guard  # noqa: E402
from ._guestguard import (  # noqa: E402
    __version__,  # project(guestguard VERSION ...) in CMakeLists.txt
    DEFAULT_BLOCK_THRESHOLD,
    DEFAULT_HIGH_THRESHOLD,
    DEFAULT_MEDIUM_THRESHOLD,
    MAX_FEEDBACK_NOTE_LENGTH,
    MAX_ID_LENGTH,
    MAX_KEY_ID_LENGTH,
    MAX_TOKEN_LENGTH,
    MIN_KEY_BYTES,
    AccessAttempt,
    AccessKind,
    AccessPageQuery,
    AccessPosition,
    AccessRecord,
    AllowlistEntry,
    Band,
    Baseline,
    Cidr,
    CidrSet,
    ClientSignals,
    Decision,
    Feedback,
    FeedbackVerdict,
    GuestAccessSummary,
    HeuristicScorer,
    IpAddress,
    Keyring,
    Reason,
    ScoringOptions,
    Thresholds,
    TokenClaims,
    TokenStatus,
    TokenVerification,
    Verdict,
    is_valid_id,
    is_well_formed_token,
    score,
    sign_token,
    verify_token,
)

_dicts.install()


__all__ = [
    "DEFAULT_BLOCK_THRESHOLD",
    "DEFAULT_HIGH_THRESHOLD",
    "DEFAULT_MEDIUM_THRESHOLD",
    "MAX_FEEDBACK_NOTE_LENGTH",
    "MAX_ID_LENGTH",
    "MAX_KEY_ID_LENGTH",
    "MAX_TOKEN_LENGTH",
    "MIN_KEY_BYTES",
    "AccessAttempt",
    "AccessKind",
    "AccessPageQuery",
    "AccessPosition",
    "AccessRecord",
    "AllowlistEntry",
    "AlreadyExists",
    "Band",
    "Baseline",
    "Cidr",
    "CidrSet",
    "ClientSignals",
    "DataLoss",
    "Decision",
    "Error",
    "FailedPrecondition",
    "Feedback",
    "FeedbackVerdict",
    "Guard",
    "GuestAccessSummary",
    "HeuristicScorer",
    "Internal",
    "InvalidArgument",
    "IpAddress",
    "Keyring",
    "NotFound",
    "PermissionDenied",
    "Reason",
    "ScoringOptions",
    "Thresholds",
    "TokenClaims",
    "TokenStatus",
    "TokenVerification",
    "Unavailable",
    "Verdict",
    "is_valid_id",
    "is_well_formed_token",
    "score",
    "sign_token",
    "verify_token",
]
