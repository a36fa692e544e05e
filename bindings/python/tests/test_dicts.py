"""The dict round trip of the value types that have one (Reason, Decision),
over every token status and band, and Decision.from_dict's refusals."""

import itertools
import json

import pytest

import guestguard as gg

STATUSES = list(gg.TokenStatus.__members__.values())
BANDS = list(gg.Band.__members__.values())


def decision(status, band, **fields):
    d = gg.Decision()
    d.token_status, d.band = status, band
    for name, value in fields.items():
        setattr(d, name, value)
    return d


def test_reason_to_dict_holds_its_three_fields():
    r = gg.Reason("new_network", 45, "An unknown network.")
    assert r.to_dict() == {"code": "new_network", "score": 45, "message": "An unknown network."}
    assert gg.Reason.to_dict.__qualname__ == "Reason.to_dict"


@pytest.mark.parametrize("status,band", itertools.product(STATUSES, BANDS),
                         ids=lambda v: v.wire_name)
def test_every_status_and_band_round_trips_through_json(status, band):
    d = decision(status, band, event_id="ev1", guest_id="g:1", score=57, allowlisted=True,
                 preview=True, access_log_id="42",
                 reasons=[gg.Reason("a", 50, "first"), gg.Reason("b", 7, "second")])
    data = d.to_dict()
    assert data == {
        "token_status": status.wire_name, "event_id": "ev1", "guest_id": "g:1", "score": 57,
        "band": band.wire_name, "label": band.label, "allowed": d.allowed,
        "allowlisted": True, "preview": True,
        "reasons": [{"code": "a", "score": 50, "message": "first"},
                    {"code": "b", "score": 7, "message": "second"}],
        "access_log_id": "42"}
    assert data["allowed"] is (status == gg.TokenStatus.VALID and band != gg.Band.BLOCK)
    back = gg.Decision.from_dict(json.loads(json.dumps(data)))
    assert back == d and back.preview and back.to_dict() == data


def test_optional_keys_default_and_derived_keys_are_ignored():
    d = gg.Decision.from_dict({"token_status": "valid", "score": 3, "band": "low",
                               "label": "Blocked", "allowed": False, "extra": 1})
    assert d.allowed and d.label == "Verified" and d.reasons == [] and d.access_log_id == ""
    assert not d.allowlisted and not d.preview and d.event_id == d.guest_id == ""
    r = gg.Decision.from_dict({"token_status": "valid", "score": 3, "band": "low",
                               "reasons": [{"code": "x"}]}).reasons
    assert r == [gg.Reason("x", 0, "")]


@pytest.mark.parametrize("data,message", [
    ({"score": 1, "band": "low"}, 'missing key "token_status"'),
    ({"token_status": "valid", "band": "low"}, 'missing key "score"'),
    ({"token_status": "valid", "score": 1}, 'missing key "band"'),
    ({"token_status": "fine", "score": 1, "band": "low"}, "unknown token_status 'fine'"),
    ({"token_status": "valid", "score": 1, "band": "LOW"}, "unknown band 'LOW'"),
    ({"token_status": "valid", "score": "x", "band": "low"}, '"score" must be int, not str'),
    ({"token_status": "valid", "score": True, "band": "low"}, '"score" must be int, not bool'),
    ({"token_status": 1, "score": 1, "band": "low"}, '"token_status" must be str, not int'),
    ({"token_status": "valid", "score": 1, "band": "low", "preview": 1},
     '"preview" must be bool, not int'),
    ({"token_status": "valid", "score": 1, "band": "low", "reasons": {}},
     '"reasons" must be list, not dict'),
    ({"token_status": "valid", "score": 1, "band": "low", "reasons": ["x"]},
     "reasons\\[0\\] must be a dict, not str"),
    ({"token_status": "valid", "score": 1, "band": "low", "reasons": [{"score": 1}]},
     'reasons\\[0\\]: missing key "code"'),
    ({"token_status": "valid", "score": 1, "band": "low",
      "reasons": [{"code": "a"}, {"code": "b", "message": None}]},
     'reasons\\[1\\]: "message" must be str, not NoneType'),
])
def test_from_dict_refuses_bad_data_saying_what(data, message):
    with pytest.raises(gg.InvalidArgument, match=message) as e:
        gg.Decision.from_dict(data)
    assert str(e.value).startswith("Decision.from_dict")


def test_from_dict_takes_only_a_mapping():
    with pytest.raises(TypeError):
        gg.Decision.from_dict([("token_status", "valid")])
