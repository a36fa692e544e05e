"""GuestGuard: invite-fraud checks for personal guest links.

A thin Python face over the C++ library (the private extension
``guestguard._guestguard``). Typical use::

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

from ._guestguard import (
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
    AccessRecord,
    AllowlistEntry,
    AlreadyExists,
    Band,
    Baseline,
    Cidr,
    CidrSet,
    ClientSignals,
    DataLoss,
    Decision,
    Error,
    FailedPrecondition,
    FeedbackVerdict,
    Guard,
    HeuristicScorer,
    Internal,
    InvalidArgument,
    IpAddress,
    Keyring,
    NotFound,
    PermissionDenied,
    Reason,
    ScoringOptions,
    Thresholds,
    TokenClaims,
    TokenStatus,
    TokenVerification,
    Unavailable,
    Verdict,
    is_valid_id,
    is_well_formed_token,
    score,
    sign_token,
    verify_token,
)


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
    "FeedbackVerdict",
    "Guard",
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
