"""Exceptions, times, value types and the heuristic scorer through the Python API."""

import datetime as dt
import pathlib
import re

import pytest

import guestguard as gg
from conftest import KEYRING_SPEC, T0, other_device, usual_browser

UTC = dt.timezone.utc
ERRORS = {
    "InvalidArgument": "INVALID_ARGUMENT", "NotFound": "NOT_FOUND",
    "AlreadyExists": "ALREADY_EXISTS", "PermissionDenied": "PERMISSION_DENIED",
    "FailedPrecondition": "FAILED_PRECONDITION", "Unavailable": "UNAVAILABLE",
    "DataLoss": "DATA_LOSS", "Internal": "INTERNAL",
}


def test_errors_are_one_family_with_canonical_codes():
    assert issubclass(gg.Error, Exception) and gg.Error.__module__ == "guestguard"
    for name, code in ERRORS.items():
        cls = getattr(gg, name)
        assert issubclass(cls, gg.Error) and cls.code == code and cls.__doc__
        assert cls.__module__ == "guestguard" and name in gg.__all__
    assert issubclass(gg.InvalidArgument, ValueError)
    assert issubclass(gg.NotFound, LookupError)


def test_raised_errors_carry_their_code_and_message():
    with pytest.raises(gg.Error) as e:
        gg.Cidr("10.0.0.0/33")
    assert type(e.value) is gg.InvalidArgument
    assert e.value.code == "INVALID_ARGUMENT" and "32" in str(e.value)


def test_naive_datetimes_are_rejected_and_aware_ones_converted():
    with pytest.raises(gg.InvalidArgument, match="naive"):
        gg.AccessAttempt(at=dt.datetime(2026, 1, 1))
    with pytest.raises(gg.InvalidArgument, match="naive"):
        gg.verify_token(gg.Keyring(), "x", now=dt.datetime.now())
    with pytest.raises(TypeError):
        gg.AccessAttempt(at="2026-01-01")
    paris = dt.timezone(dt.timedelta(hours=2))
    a = gg.AccessAttempt(at=dt.datetime(2026, 6, 1, 14, 0, 0, 123456, tzinfo=paris))
    assert a.at == dt.datetime(2026, 6, 1, 12, 0, 0, 123456, tzinfo=UTC)
    assert a.at.tzinfo is not None and a.at.utcoffset() == dt.timedelta(0)
    assert gg.AccessAttempt().at is None


def test_value_types_have_keywords_properties_and_reprs():
    s = gg.ClientSignals(user_agent="UA", language="fr")
    assert s.user_agent == "UA" and s.fingerprint == "" and "language='fr'" in repr(s)
    a = gg.AccessAttempt(kind=gg.AccessKind.CHECKIN, client_ip="192.0.2.1", signals=s)
    assert a.kind == gg.AccessKind.CHECKIN and a.kind.wire_name == "checkin"
    a.kind = "rsvp"
    assert a.kind == gg.AccessKind.RSVP and "kind='rsvp'" in repr(a)
    assert gg.AccessKind.parse("open") == gg.AccessKind.OPEN
    assert gg.Reason("new_network", 45, "m") == gg.Reason(code="new_network", score=45,
                                                             message="m")
    assert "Keyring(active_key_id='k1', size=1)" == repr(gg.Keyring.parse(KEYRING_SPEC))
    assert gg.FeedbackVerdict.LEGITIMATE.wire_name == "legitimate"


def test_every_public_name_has_a_docstring_and_a_stub():
    package = pathlib.Path(gg.__file__).parent
    # The typed surface: the extension's stub plus the annotated plain-Python modules.
    stub = "\n".join(p.read_text() for p in [package / "_guestguard.pyi", *package.glob("*.py")])
    assert (package / "py.typed").exists()
    for name in gg.__all__:
        obj = getattr(gg, name)
        assert re.search(rf"\b(class|def) {name}\b|^{name}:", stub, re.M), name
        if not callable(obj):
            continue
        assert obj.__doc__, name
        if isinstance(obj, type):
            builtin = {"name", "value"} if hasattr(obj, "__members__") else set()  # pybind enums
            for attr, member in vars(obj).items():
                if not attr.startswith("_") and attr not in builtin and not isinstance(member, obj):
                    assert getattr(member, "__doc__", None), f"{name}.{attr}"
                    assert re.search(rf"\b{attr}\b", stub), f"{name}.{attr}"


def test_scorer_scores_signals_and_learns_a_baseline():
    bare = gg.AccessAttempt(client_ip="203.0.113.42",
                            signals=gg.ClientSignals(fingerprint="fp", language="fr"))
    v = gg.score(bare)
    assert v.score == 40 and v.band == gg.Band.MEDIUM and v.label == "Review"
    assert [r.code for r in v.reasons] == ["missing_user_agent"]
    assert gg.score(bare, thresholds=gg.Thresholds(50, 70, 90)).band == gg.Band.LOW
    custom = gg.HeuristicScorer(gg.ScoringOptions(missing_user_agent_score=20))
    assert custom.evaluate(bare).score == 20 and custom.options.missing_user_agent_score == 20
    baseline = gg.Baseline()
    assert baseline.empty and baseline.first_seen is None
    baseline.learn(usual_browser())
    assert baseline.accesses == 1 and baseline.first_seen == T0
    assert gg.score(usual_browser(), baseline).score == 0
    assert gg.score(other_device(T0 + dt.timedelta(hours=1)), baseline).band >= gg.Band.MEDIUM
    assert gg.Baseline.parse(baseline.serialize()) == baseline
    with pytest.raises(gg.DataLoss):
        gg.Baseline.parse(b"junk")
    with pytest.raises(gg.InvalidArgument):
        gg.score(gg.AccessAttempt(client_ip="nope"))


def test_scoring_options_take_keywords_and_validate():
    o = gg.ScoringOptions(new_network_score=50, velocity_window=dt.timedelta(minutes=5),
                          network_hopping_window=7200)
    assert o.new_network_score == 50 and o.fingerprint_mismatch_score == 70
    assert o.velocity_window == dt.timedelta(minutes=5)
    assert o.network_hopping_window == dt.timedelta(hours=2)
    assert o.same_model_window == dt.timedelta(hours=48)
    assert o.same_model_any_agent_window == dt.timedelta(hours=24)
    o.same_model_any_agent_window = 3600
    assert o.same_model_any_agent_window == dt.timedelta(hours=1)
    with pytest.raises(gg.InvalidArgument):
        gg.ScoringOptions(same_model_any_agent_window=0).validate()
    assert o.contested_seat_uses == 3
    with pytest.raises(gg.InvalidArgument):
        gg.ScoringOptions(contested_seat_uses=0).validate()
    assert "curl/" in o.automation_markers
    o.validate()
    with pytest.raises(TypeError):
        gg.ScoringOptions(no_such_weight=1)
    with pytest.raises(gg.InvalidArgument):
        gg.ScoringOptions(secondary_weight=2.0).validate()
    with pytest.raises(gg.InvalidArgument):
        gg.HeuristicScorer(gg.ScoringOptions(secondary_weight=-0.5))
