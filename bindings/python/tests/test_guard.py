"""The Guard and its store helpers on every backend (mirrors tests/guard_test.cc)."""

import datetime as dt
import json

import pytest

import guestguard as gg
from conftest import KEYRING_SPEC, T0, other_device, usual_browser

UTC = dt.timezone.utc


def codes(decision):
    return [r.code for r in decision.reasons]


def test_valid_token_from_the_usual_browser_is_verified(guard):
    token = guard.issue_token("ev1", "g1")
    d = guard.check(token, usual_browser())
    assert d.token_status == gg.TokenStatus.VALID
    assert d.allowed and d.band == gg.Band.LOW and d.label == "Verified"
    assert (d.event_id, d.guest_id) == ("ev1", "g1")
    record = guard.get_access("ev1", d.access_log_id)
    assert record.guest_id == "g1" and record.client_ip == "203.0.113.42"
    assert record.kind == gg.AccessKind.OPEN and record.at == T0 and not record.blocked


def test_check_takes_keyword_fields_instead_of_an_attempt(guard):
    token = guard.issue_token("ev1", "g1")
    d = guard.check(token, kind="rsvp", client_ip="203.0.113.42", user_agent="Mozilla/5.0",
                    fingerprint="fp", timezone="Europe/Paris", language="fr-FR",
                    screen="1x1", platform="MacIntel", at=T0)
    assert d.allowed
    record = guard.get_access("ev1", d.access_log_id)
    assert record.kind == gg.AccessKind.RSVP and record.signals.user_agent == "Mozilla/5.0"
    with pytest.raises(gg.InvalidArgument, match="not both"):
        guard.check(token, usual_browser(), client_ip="203.0.113.42")
    with pytest.raises(gg.InvalidArgument):
        guard.check(token, kind="visit")


def test_malformed_or_forged_tokens_are_refused_and_record_nothing(guard):
    token = guard.issue_token("ev1", "g1")
    forged = token[:10] + ("B" if token[10] == "A" else "A") + token[11:]
    for bad in ["not-a-token", forged, "x" * 1024]:
        d = guard.check(bad, usual_browser())
        assert not d.allowed and d.token_status != gg.TokenStatus.VALID
        assert d.band == gg.Band.BLOCK and d.access_log_id == "" and d.event_id == ""
    assert guard.list_accesses("ev1") == []


def test_rotation_revokes_the_old_token_and_records_its_replay(guard):
    old = guard.issue_token("ev1", "g1")
    new = guard.rotate_token("ev1", "g1")
    replay = guard.check(old, usual_browser())
    assert replay.token_status == gg.TokenStatus.REVOKED and not replay.allowed
    assert replay.band == gg.Band.BLOCK and "token_revoked" in codes(replay)
    assert guard.get_access("ev1", replay.access_log_id).blocked
    assert guard.check(new, usual_browser()).allowed


def test_expired_token_is_refused():
    keyring = gg.Keyring.parse(KEYRING_SPEC)
    expired = gg.sign_token(keyring, gg.TokenClaims(
        event_id="ev1", guest_id="g1", issued_at=dt.datetime(2024, 1, 1, tzinfo=UTC),
        expires_at=dt.datetime(2024, 1, 2, tzinfo=UTC)))
    with gg.Guard(keyring=keyring, token_ttl=dt.timedelta(hours=1)) as guard:
        d = guard.check(expired, usual_browser())
        assert d.token_status == gg.TokenStatus.EXPIRED and not d.allowed
        assert "token_expired" in codes(d)
        issued = gg.verify_token(keyring, guard.issue_token("ev1", "g2"))
        assert issued.ok and issued.claims.expires_at - issued.claims.issued_at == dt.timedelta(
            hours=1)
    with gg.Guard(keyring=keyring, token_ttl=90.0) as guard:
        c = gg.verify_token(keyring, guard.issue_token("ev1", "g2")).claims
        assert c.expires_at - c.issued_at == dt.timedelta(seconds=90)


def test_invalid_client_ip_is_an_error_not_a_decision(guard):
    token = guard.issue_token("ev1", "g1")
    attempt = usual_browser()
    attempt.client_ip = "300.1.1.1"
    with pytest.raises(gg.InvalidArgument) as e:
        guard.check(token, attempt)
    assert e.value.code == "INVALID_ARGUMENT"
    assert guard.list_accesses("ev1") == []


def test_allowlisted_address_short_circuits_scoring(guard):
    token = guard.issue_token("ev1", "g1")
    assert guard.add_allowlist("ev1", "198.51.100.77/24", note="office") == gg.Cidr(
        "198.51.100.0/24")
    d = guard.check(token, client_ip="198.51.100.20", user_agent="curl/8.4.0", at=T0)
    assert d.allowlisted and d.score == 0 and d.band == gg.Band.LOW
    assert codes(d) == ["allowlisted"]
    assert guard.check(token, client_ip="::ffff:198.51.100.20", user_agent="curl/8.4.0").allowlisted
    [entry] = guard.allowlist("ev1")
    assert str(entry.cidr) == "198.51.100.0/24" and entry.note == "office"
    assert entry.created_at.tzinfo is not None
    with pytest.raises(gg.AlreadyExists):
        guard.add_allowlist("ev1", gg.Cidr("198.51.100.0/24"))
    guard.remove_allowlist("ev1", "198.51.100.0/24")
    assert guard.allowlist("ev1") == []
    assert not guard.check(token, usual_browser()).allowlisted
    with pytest.raises(gg.NotFound) as e:
        guard.remove_allowlist("ev1", "198.51.100.0/24")
    assert e.value.code == "NOT_FOUND"


def test_decisions_are_rebanded_against_each_events_thresholds(guard):
    guard.set_thresholds("lenient", medium=50, high=70, block=90)
    assert guard.get_thresholds("lenient") == gg.Thresholds(50, 70, 90)
    assert guard.get_thresholds("default") == gg.Thresholds()
    no_user_agent = usual_browser()
    no_user_agent.signals = gg.ClientSignals(fingerprint="fp-usual", timezone="Europe/Paris",
                                             language="fr-FR", screen="1440x900",
                                             platform="MacIntel")
    strict = guard.check(guard.issue_token("default", "g1"), no_user_agent)
    lenient = guard.check(guard.issue_token("lenient", "g1"), no_user_agent)
    assert strict.score == lenient.score == 40
    assert strict.band == gg.Band.MEDIUM and lenient.band == gg.Band.LOW
    guard.set_thresholds("lenient", gg.Thresholds(10, 20, 30))
    capped = guard.check(guard.issue_token("lenient", "g2"), no_user_agent)
    assert capped.score == 19 and capped.band == gg.Band.MEDIUM
    with pytest.raises(gg.InvalidArgument):
        guard.set_thresholds("lenient", medium=60, high=60, block=85)
    with pytest.raises(gg.InvalidArgument):
        guard.set_thresholds("lenient", gg.Thresholds(), medium=10)
    assert guard.get_thresholds("lenient") == gg.Thresholds(10, 20, 30)


def test_blocked_access_is_refused(guard):
    token = guard.issue_token("ev1", "g1")
    assert guard.check(token, usual_browser()).allowed
    attacker = other_device(T0 + dt.timedelta(minutes=5))
    attacker.signals = gg.ClientSignals(user_agent="python-requests/2.31.0", fingerprint="fp-x")
    d = guard.check(token, attacker)
    assert d.band == gg.Band.BLOCK and not d.allowed and d.label == "Blocked"
    assert guard.get_access("ev1", d.access_log_id).blocked


def test_legitimate_feedback_teaches_the_baseline(guard):
    token = guard.issue_token("ev1", "g1")
    assert guard.check(token, usual_browser()).allowed
    flagged = guard.check(token, other_device(T0 + dt.timedelta(hours=1)))
    assert flagged.band >= gg.Band.MEDIUM
    guard.record_feedback("ev1", flagged.access_log_id, "legitimate", note="her phone")
    after = guard.check(token, other_device(T0 + dt.timedelta(hours=3)))
    assert after.band == gg.Band.LOW and after.score == 0


def test_feedback_on_another_events_access_is_not_found(guard):
    d = guard.check(guard.issue_token("ev1", "g1"), usual_browser())
    with pytest.raises(gg.NotFound) as e:
        guard.record_feedback("ev2", d.access_log_id, gg.FeedbackVerdict.LEGITIMATE)
    assert e.value.code == "NOT_FOUND"
    assert guard.export_labelled_corpus("ev1") == ""
    assert guard.export_labelled_corpus("ev2") == ""


def test_remarking_replaces_the_verdict_and_the_corpus_exports_it(guard):
    d = guard.check(guard.issue_token("ev1", "g1"), other_device(T0))
    guard.record_feedback("ev1", d.access_log_id, "suspicious")
    guard.record_feedback("ev1", d.access_log_id, "legitimate", 'known "VIP"')
    with pytest.raises(gg.InvalidArgument):
        guard.record_feedback("ev1", d.access_log_id, "legitimate",
                              "x" * (gg.MAX_FEEDBACK_NOTE_LENGTH + 1))
    with pytest.raises(gg.InvalidArgument):
        guard.record_feedback("ev1", d.access_log_id, "fine")
    corpus = guard.export_labelled_corpus("ev1")
    lines = corpus.splitlines()
    assert len(lines) == 1
    row = json.loads(lines[0])
    assert row["feedback"]["verdict"] == "legitimate"
    assert row["feedback"]["note"] == 'known "VIP"'
    assert row["access"]["id"] == d.access_log_id


def test_decision_dict_is_json_and_round_trips(guard):
    token = guard.issue_token("ev1", "g1")
    decisions = [guard.check(token, usual_browser()),
                 guard.check(token, other_device(T0 + dt.timedelta(minutes=1))),
                 guard.check("junk", usual_browser())]
    for d in decisions:
        data = d.to_dict()
        text = json.dumps(data)
        back = gg.Decision.from_dict(json.loads(text))
        assert back == d and back.to_dict() == data
        assert data["band"] in {"low", "medium", "high", "block"}
        assert data["token_status"] == d.token_status.wire_name
        assert data["label"] == d.label and data["allowed"] is d.allowed
        assert all(type(r) is dict and set(r) == {"code", "score", "message"}
                   for r in data["reasons"])
    assert decisions[1].to_dict()["reasons"], "the other device must have reasons"
    with pytest.raises(gg.InvalidArgument):
        gg.Decision.from_dict({"token_status": "valid", "score": 1})
    with pytest.raises(gg.InvalidArgument):
        gg.Decision.from_dict({"token_status": "fine", "score": 1, "band": "low"})
    with pytest.raises(gg.InvalidArgument):
        gg.Decision.from_dict({"token_status": "valid", "score": "x", "band": "low"})


def test_open_rejects_bad_options():
    with pytest.raises(gg.InvalidArgument):
        gg.Guard(keyring=gg.Keyring())
    with pytest.raises(gg.InvalidArgument):
        gg.Guard(keyring=KEYRING_SPEC, scorer_deadline=0)
    with pytest.raises(gg.InvalidArgument):
        gg.Guard(keyring=KEYRING_SPEC, scoring=gg.ScoringOptions(secondary_weight=-1))
    with pytest.raises(gg.InvalidArgument, match="store must be"):
        gg.Guard(keyring=KEYRING_SPEC, store="postgres://localhost/x")
    with pytest.raises(gg.InvalidArgument):
        gg.Guard(keyring="not a spec")
    with pytest.raises(TypeError):
        gg.Guard(keyring=KEYRING_SPEC, token_ttl="1h")


def test_a_file_that_is_not_a_database_is_data_loss(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a sqlite database at all" * 100)
    with pytest.raises(gg.DataLoss) as e:
        gg.Guard(keyring=KEYRING_SPEC, store=f"sqlite:{junk}")
    assert e.value.code == "DATA_LOSS"


def test_sqlite_file_store_persists_across_guards(tmp_path):
    url = f"sqlite:{tmp_path / 'g.db'}"
    with gg.Guard(keyring=KEYRING_SPEC, store=url) as guard:
        token = guard.issue_token("ev1", "g1")
        guard.set_thresholds("ev1", medium=40)
        first = guard.check(token, usual_browser())
    with gg.Guard(keyring=KEYRING_SPEC, store=url) as guard:
        assert guard.get_thresholds("ev1") == gg.Thresholds(40, 60, 85)
        assert guard.get_access("ev1", first.access_log_id).guest_id == "g1"
        assert guard.check(token, usual_browser()).allowed


def test_closed_guard_raises_failed_precondition():
    guard = gg.Guard(keyring=KEYRING_SPEC)
    token = guard.issue_token("ev1", "g1")
    guard.close()
    guard.close()
    assert guard.closed and "closed=True" in repr(guard)
    with pytest.raises(gg.FailedPrecondition) as e:
        guard.check(token, usual_browser())
    assert e.value.code == "FAILED_PRECONDITION"
