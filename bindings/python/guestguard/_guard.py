"""The Python Guard: owns an extension Guard and the store it was opened on,
takes a store URL and keyword forms, and can be closed.

Thread-safe: share one Guard between threads. Each call converts its
arguments here, then makes one call into the extension, which releases the
GIL around the C++ work. close() drops this object's references; calls
already in flight keep theirs, and the C++ guard and store are destroyed
(without the GIL) when the last one returns.
"""

import datetime
from typing import Any, Iterable

from . import _guestguard as _gg
from ._errors import FailedPrecondition, InvalidArgument
from ._stores import open_store

_Seconds = datetime.timedelta | float | int
_FEEDBACK_VERDICTS = {v.wire_name: v for v in _gg.FeedbackVerdict.__members__.values()}
_NO_FIELDS = (None,) * 9


def _cidr(value: Any) -> _gg.Cidr:
    return value if isinstance(value, _gg.Cidr) else _gg.Cidr(value)


class Guard:
    """The one object an embedder talks to: issues tokens, checks accesses, records feedback.
    Thread-safe: share one Guard between threads; calls release the GIL. Usable as a
    context manager (closes on exit)."""

    def __init__(self, keyring: _gg.Keyring | str, *, store: str = "memory",
                 token_ttl: _Seconds | None = None, scorer_deadline: _Seconds | None = None,
                 scoring: _gg.ScoringOptions | None = None, scorer_threads: int = 8,
                 max_access_records: int = 1000000) -> None:
        """keyring: a Keyring or its spec string. store: "memory", "sqlite:/path.db" or
        "sqlite::memory:". token_ttl: timedelta or seconds (None: tokens never expire).
        scorer_deadline: timedelta or seconds (default 0.25 s). scoring: ScoringOptions.
        max_access_records: memory store only. InvalidArgument for bad options;
        PermissionDenied / DataLoss for an unusable SQLite file."""
        self._guard: _gg.Guard | None = None
        self._store: _gg.Store | None = None
        options = _gg.GuardOptions()
        options.keyring = _gg.Keyring.parse(keyring) if isinstance(keyring, str) else keyring
        if token_ttl is not None:
            options.token_ttl = token_ttl
        if scorer_deadline is not None:
            options.scorer_deadline = scorer_deadline
        if scoring is not None:
            options.scoring = scoring
        options.scorer_threads = scorer_threads
        options.store = open_store(store, max_access_records)
        self._guard = _gg.Guard.open(options)
        self._store = options.store
        self._url = store
        self._key_id = options.keyring.active_key_id

    @staticmethod
    def _open(part: Any) -> Any:
        """`part` (self._guard or self._store, read once by the caller); FailedPrecondition
        after close()."""
        if part is None:
            raise FailedPrecondition("the Guard is closed")
        return part

    def issue_token(self, event_id: str, guest_id: str) -> str:
        """A token for the guest's current generation (expiring after token_ttl if set)."""
        return self._open(self._guard).issue_token(event_id, guest_id)

    def rotate_token(self, event_id: str, guest_id: str) -> str:
        """Revokes every earlier token of the guest and issues a new one."""
        return self._open(self._guard).rotate_token(event_id, guest_id)

    def check(self, token: str, attempt: _gg.AccessAttempt | None = None, *,
              kind: _gg.AccessKind | str | None = None, client_ip: str | None = None,
              user_agent: str | None = None, fingerprint: str | None = None,
              timezone: str | None = None, language: str | None = None,
              screen: str | None = None, platform: str | None = None,
              at: datetime.datetime | None = None) -> _gg.Decision:
        """Scores one use of `token`, described by an AccessAttempt or by keyword fields
        (not both). Returns a Decision, also for refused tokens. Raises when the check
        could not be made (e.g. InvalidArgument for a bad client_ip, Unavailable for a
        busy store); the caller must then refuse."""
        fields = (kind, client_ip, user_agent, fingerprint, timezone, language, screen,
                  platform, at)
        if attempt is None:
            attempt = _gg.AccessAttempt(
                kind="open" if kind is None else kind,
                client_ip="" if client_ip is None else client_ip,
                signals=_gg.ClientSignals(
                    user_agent="" if user_agent is None else user_agent,
                    fingerprint="" if fingerprint is None else fingerprint,
                    timezone="" if timezone is None else timezone,
                    language="" if language is None else language,
                    screen="" if screen is None else screen,
                    platform="" if platform is None else platform),
                at=at)
        elif fields != _NO_FIELDS:
            raise InvalidArgument(
                "pass either an AccessAttempt or keyword fields to check(), not both")
        return self._open(self._guard).check(token, attempt)

    def record_feedback(self, event_id: str, access_log_id: str,
                        verdict: _gg.FeedbackVerdict | str, note: str = "") -> None:
        """Records a host's verdict ("legitimate" / "suspicious" or a FeedbackVerdict) on an
        access of `event_id`; re-marking replaces it. NotFound for an access of another
        event; InvalidArgument for a note over MAX_FEEDBACK_NOTE_LENGTH."""
        if isinstance(verdict, str):
            if verdict not in _FEEDBACK_VERDICTS:
                raise InvalidArgument(
                    f'verdict must be "legitimate" or "suspicious", not {verdict!r}')
            verdict = _FEEDBACK_VERDICTS[verdict]
        self._open(self._guard).record_feedback(event_id, access_log_id, verdict, note)

    def export_labelled_corpus(self, event_id: str) -> str:
        """The event's labelled accesses as JSON lines ({"access": ..., "feedback": ...})."""
        return self._open(self._guard).export_labelled_corpus(event_id)

    def set_thresholds(self, event_id: str, thresholds: _gg.Thresholds | None = None, *,
                       medium: int | None = None, high: int | None = None,
                       block: int | None = None) -> None:
        """Sets the event's thresholds (a Thresholds, or keywords; omitted ones take the
        defaults 30/60/85). InvalidArgument, and nothing stored, unless valid."""
        if thresholds is not None and (medium, high, block) != (None, None, None):
            raise InvalidArgument("pass either a Thresholds or medium/high/block, not both")
        if thresholds is None:
            thresholds = _gg.Thresholds()
            if medium is not None:
                thresholds.medium = medium
            if high is not None:
                thresholds.high = high
            if block is not None:
                thresholds.block = block
        self._open(self._store).set_thresholds(event_id, thresholds)

    def get_thresholds(self, event_id: str) -> _gg.Thresholds:
        """The event's thresholds; the defaults when never set."""
        return self._open(self._store).get_thresholds(event_id)

    def add_allowlist(self, event_id: str, cidr: _gg.Cidr | str, note: str = "") -> _gg.Cidr:
        """Allowlists a block (str or Cidr) for the event; returns the canonical Cidr.
        AlreadyExists when the same block is listed."""
        entry = _gg.AllowlistEntry(_cidr(cidr), note,
                                   datetime.datetime.now(datetime.timezone.utc))
        self._open(self._store).add_allowlist_entry(event_id, entry)
        return entry.cidr

    def remove_allowlist(self, event_id: str, cidr: _gg.Cidr | str) -> None:
        """Removes an allowlisted block; NotFound when it is not listed."""
        self._open(self._store).remove_allowlist_entry(event_id, _cidr(cidr))

    def allowlist(self, event_id: str) -> list[_gg.AllowlistEntry]:
        """The event's allowlist (list[AllowlistEntry]), sorted by block."""
        return self._open(self._store).list_allowlist(event_id)

    def list_accesses(self, event_id: str, limit: int = 100) -> list[_gg.AccessRecord]:
        """The event's newest `limit` accesses (list[AccessRecord]), newest first."""
        return self._open(self._store).list_accesses(event_id, limit)

    def get_access(self, event_id: str, access_log_id: str) -> _gg.AccessRecord:
        """One recorded access; NotFound when it is not in this event."""
        return self._open(self._store).get_access(event_id, access_log_id)

    def list_access_page(self, event_id: str, limit: int = 100, *, guest_id: str | None = None,
                         after: _gg.AccessRecord | _gg.AccessPosition | None = None
                         ) -> list[_gg.AccessRecord]:
        """One page of the event's accesses (list[AccessRecord]), newest first by (at, id):
        at most `limit` (1-1000), only `guest_id`'s when given, and after `after` — the last
        AccessRecord of the previous page, or an AccessPosition. Accesses recorded meanwhile
        never shift the pages already walked. InvalidArgument for a bad limit or an id this
        store did not issue."""
        if isinstance(after, _gg.AccessRecord):
            after = _gg.AccessPosition(after.at, after.id)
        return self._open(self._store).list_access_page(
            event_id, _gg.AccessPageQuery(limit, guest_id, after))

    def summarize_guests(self, event_id: str,
                         guest_ids: Iterable[str]) -> dict[str, _gg.GuestAccessSummary]:
        """{guest id: GuestAccessSummary} (newest access, checked in) for each of `guest_ids`
        with any access in the event; the others are absent. InvalidArgument above 1000 ids."""
        if isinstance(guest_ids, str):
            raise TypeError("guest_ids must be an iterable of str, not a str")
        return self._open(self._store).summarize_guests(event_id, list(guest_ids))

    def count_accesses_between(self, event_id: str, guest_id: str, after_id: str,
                               before_id: str, min_band: _gg.Band | str = "low") -> int:
        """How many of the guest's accesses came after the access `after_id` and before
        `before_id` (both exclusive) in a band of at least `min_band` ("low" / ... / "block"
        or a Band; default every band). InvalidArgument for an id this store did not issue."""
        if isinstance(min_band, str):
            min_band = _gg.Band.parse(min_band)
        return self._open(self._store).count_accesses_between(event_id, guest_id, after_id,
                                                              before_id, min_band)

    def get_feedback(self, event_id: str, access_log_id: str) -> _gg.Feedback:
        """The verdict recorded on one access (a Feedback, with its note and time); NotFound
        when there is none."""
        return self._open(self._store).get_feedback(event_id, access_log_id)

    def list_recent_feedback(self, event_id: str, limit: int = 100) -> list[_gg.Feedback]:
        """The event's newest `limit` verdicts (list[Feedback], 1-1000), newest first."""
        return self._open(self._store).list_recent_feedback(event_id, limit)

    def close(self) -> None:
        """Releases the guard and its store; later calls raise FailedPrecondition.
        Idempotent."""
        self._guard = None
        self._store = None

    @property
    def closed(self) -> bool:
        """True after close()."""
        return self._guard is None

    def __enter__(self) -> "Guard":
        return self

    def __exit__(self, *args: object) -> bool:
        self.close()
        return False

    def __repr__(self) -> str:
        closed = ", closed=True" if self.closed else ""
        return f"Guard(store={self._url!r}, active_key_id={self._key_id!r}{closed})"
