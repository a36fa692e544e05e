"""Tokens and keyrings through the Python API (mirrors tests/token_test.cc)."""

import base64
import datetime as dt
import hashlib
import hmac

import pytest

import guestguard as gg

UTC = dt.timezone.utc
ISSUED = dt.datetime.fromtimestamp(1767225600, UTC)


def secret(n):
    return bytes((n * 7 + i) % 256 for i in range(32))


def ring(*entries):
    return gg.Keyring.from_keys(list(entries))


def claims(**overrides):
    fields = dict(event_id="gala-2026", guest_id="g:42", generation=7, issued_at=ISSUED,
                  expires_at=ISSUED + dt.timedelta(days=30))
    fields.update(overrides)
    return gg.TokenClaims(**fields)


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def forge(kid, event, guest, generation, issued, expiry, key):
    """Builds a token from the documented version-1 layout, in pure Python."""
    payload = b"".join(bytes([len(s)]) + s.encode() for s in (kid, event, guest))
    payload += varint(generation) + varint(issued) + varint(expiry)
    text = "gg1." + b64url(payload)
    return text + "." + b64url(hmac.new(key, text.encode(), hashlib.sha256).digest())


def test_round_trips_every_claim():
    k = ring(("k1", secret(1)))
    token = gg.sign_token(k, claims())
    v = gg.verify_token(k, token, now=ISSUED + dt.timedelta(minutes=1))
    assert v.status == gg.TokenStatus.VALID and v.ok and bool(v)
    assert v.claims.event_id == "gala-2026"
    assert v.claims.guest_id == "g:42"
    assert v.claims.generation == 7
    assert v.claims.issued_at == ISSUED
    assert v.claims.expires_at == ISSUED + dt.timedelta(days=30)
    assert v.claims.key_id == "k1" == k.active_key_id
    assert token.startswith("gg1.") and len(token) <= gg.MAX_TOKEN_LENGTH
    assert gg.is_well_formed_token(token)


def test_stores_times_to_the_second_and_never_expiring_tokens():
    k = ring(("k1", secret(1)))
    token = gg.sign_token(k, claims(issued_at=ISSUED + dt.timedelta(microseconds=999999),
                                    expires_at=None))
    v = gg.verify_token(k, token, now=ISSUED + dt.timedelta(days=365 * 50))
    assert v.ok
    assert v.claims.issued_at == ISSUED
    assert v.claims.expires_at is None


def test_matches_the_documented_payload_layout():
    k = ring(("k1", secret(1)))
    forged = forge("k1", "ev", "g1", 3, 1767225600, 3601, secret(1))
    v = gg.verify_token(k, forged, now=ISSUED)
    assert v.status == gg.TokenStatus.VALID
    assert (v.claims.event_id, v.claims.guest_id, v.claims.generation) == ("ev", "g1", 3)
    assert v.claims.expires_at == ISSUED + dt.timedelta(hours=1)
    signed = gg.sign_token(k, gg.TokenClaims(event_id="ev", guest_id="g1", generation=3,
                                             issued_at=ISSUED,
                                             expires_at=ISSUED + dt.timedelta(hours=1)))
    assert signed == forged


@pytest.mark.parametrize("event_id,guest_id", [("gala-2026", "g:42"), ("e" * 20, "g" * 22)])
def test_rejects_every_single_bit_flip(event_id, guest_id):
    k = ring(("k1", secret(1)))
    token = gg.sign_token(k, claims(event_id=event_id, guest_id=guest_id))
    assert gg.verify_token(k, token, now=ISSUED).ok
    for i, ch in enumerate(token):
        for bit in range(8):
            mutated = token[:i] + chr(ord(ch) ^ (1 << bit)) + token[i + 1:]
            assert gg.verify_token(k, mutated, now=ISSUED).status != gg.TokenStatus.VALID, (
                i, bit, mutated)


def test_rejects_every_truncation_and_appended_junk_as_malformed():
    k = ring(("k1", secret(1)))
    token = gg.sign_token(k, claims())
    for n in range(len(token)):
        assert gg.verify_token(k, token[:n], now=ISSUED).status == gg.TokenStatus.MALFORMED
    for junk in ["A", "x", "AAAA", ".", "=", " ", "\n", "\0", "%20", ".AAAA"]:
        assert gg.verify_token(k, token + junk, now=ISSUED).status == gg.TokenStatus.MALFORMED
    assert gg.verify_token(k, "x" * 1024).status == gg.TokenStatus.MALFORMED
    assert gg.verify_token(k, "").status == gg.TokenStatus.MALFORMED


def test_says_bad_signature_for_another_secret_and_hides_the_claims():
    token = gg.sign_token(ring(("k1", secret(1))), claims())
    v = gg.verify_token(ring(("k1", secret(2))), token, now=ISSUED)
    assert v.status == gg.TokenStatus.BAD_SIGNATURE
    assert v.claims.event_id == "" and v.claims.guest_id == ""


def test_says_unknown_key_for_a_key_id_not_in_the_keyring():
    token = gg.sign_token(ring(("k1", secret(1))), claims())
    v = gg.verify_token(ring(("k9", secret(1))), token, now=ISSUED)
    assert v.status == gg.TokenStatus.UNKNOWN_KEY
    assert v.claims.event_id == ""
    assert gg.verify_token(gg.Keyring(), token, now=ISSUED).status == gg.TokenStatus.UNKNOWN_KEY


def test_verifies_old_tokens_after_key_rotation():
    before = ring(("k1", secret(1)))
    after = ring(("k2", secret(2)), ("k1", secret(1)))
    retired = ring(("k2", secret(2)))
    old_token = gg.sign_token(before, claims())
    v = gg.verify_token(after, old_token, now=ISSUED)
    assert v.ok and v.claims.key_id == "k1"
    assert after.active_key_id == "k2" and after.has_key("k1") and "k1" in after
    assert len(after) == 2
    new_token = gg.sign_token(after, claims(key_id="k1"))  # key_id is ignored
    assert gg.verify_token(after, new_token, now=ISSUED).claims.key_id == "k2"
    assert gg.verify_token(before, new_token, now=ISSUED).status == gg.TokenStatus.UNKNOWN_KEY
    assert gg.verify_token(retired, old_token, now=ISSUED).status == gg.TokenStatus.UNKNOWN_KEY
    assert gg.verify_token(retired, new_token, now=ISSUED).ok


def test_expires_exactly_at_expires_at_and_keeps_its_claims():
    k = ring(("k1", secret(1)))
    expiry = ISSUED + dt.timedelta(hours=1)
    token = gg.sign_token(k, claims(expires_at=expiry))
    assert gg.verify_token(k, token, now=expiry - dt.timedelta(milliseconds=1)).ok
    at_expiry = gg.verify_token(k, token, now=expiry)
    assert at_expiry.status == gg.TokenStatus.EXPIRED and not at_expiry.ok
    assert at_expiry.claims.guest_id == "g:42" and at_expiry.claims.generation == 7
    assert at_expiry.claims.expires_at == expiry
    # A token built with issued_at/expires_at in the past is expired now.
    past = gg.sign_token(k, claims(issued_at=dt.datetime(2020, 1, 1, tzinfo=UTC),
                                   expires_at=dt.datetime(2020, 1, 2, tzinfo=UTC)))
    assert gg.verify_token(k, past).status == gg.TokenStatus.EXPIRED


def test_sign_rejects_bad_claims_with_invalid_argument():
    k = ring(("k1", secret(1)))
    for bad in [dict(event_id=""), dict(guest_id="has space"), dict(event_id="x" * 65),
                dict(expires_at=ISSUED - dt.timedelta(seconds=1)),
                dict(event_id="e" * 40, guest_id="g" * 40)]:
        with pytest.raises(gg.InvalidArgument) as e:
            gg.sign_token(k, claims(**bad))
        assert e.value.code == "INVALID_ARGUMENT"
    with pytest.raises(gg.FailedPrecondition):
        gg.sign_token(gg.Keyring(), claims())
    assert gg.is_valid_id("g:42.a_b-c") and not gg.is_valid_id("a/b")


def test_names_every_status_on_the_wire():
    names = {s.wire_name for s in gg.TokenStatus.__members__.values()}
    assert names == {"valid", "malformed", "unknown_key", "bad_signature", "expired", "revoked"}
    assert gg.TokenStatus.parse("bad_signature") == gg.TokenStatus.BAD_SIGNATURE
    with pytest.raises(gg.InvalidArgument):
        gg.TokenStatus.parse("VALID")


def test_keyring_parses_specs_and_round_trips_them():
    k = gg.Keyring.parse(" k2:" + base64.b64encode(secret(2)).decode() + " , k1:"
                         + b64url(secret(1)) + " ")
    assert k.active_key_id == "k2" and len(k) == 2
    again = gg.Keyring.parse(k.to_spec())
    token = gg.sign_token(k, claims())
    assert gg.verify_token(again, token, now=ISSUED).ok
    generated = gg.Keyring.generate("dev")
    assert generated.active_key_id == "dev" and len(generated) == 1
    assert gg.verify_token(generated, gg.sign_token(generated, claims()), now=ISSUED).ok
    assert "Keyring(active_key_id='dev', size=1)" == repr(generated)
    assert gg.Keyring().active_key_id == "" and len(gg.Keyring()) == 0


@pytest.mark.parametrize("spec", ["", "k1", "k1:", "k1:AAAA", "bad id!:" + b64url(secret(1)),
                                  "k1:" + b64url(secret(1)) + ",k1:" + b64url(secret(2))])
def test_keyring_rejects_bad_specs_without_showing_the_secret(spec):
    with pytest.raises(gg.InvalidArgument) as e:
        gg.Keyring.parse(spec)
    assert b64url(secret(1)) not in str(e.value)


def test_keyring_from_keys_rejects_short_secrets():
    with pytest.raises(gg.InvalidArgument):
        gg.Keyring.from_keys([("k1", b"short")])
    with pytest.raises(gg.InvalidArgument):
        gg.Keyring.from_keys([])
