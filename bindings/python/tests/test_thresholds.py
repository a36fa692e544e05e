"""Thresholds and bands (mirrors tests/thresholds_test.cc)."""

import pytest

import guestguard as gg


def test_defaults_are_30_60_85_everywhere():
    t = gg.Thresholds()
    assert (t.medium, t.high, t.block) == (30, 60, 85)
    assert t == gg.Thresholds.defaults() == gg.Thresholds(30, 60, 85)
    assert (gg.DEFAULT_MEDIUM_THRESHOLD, gg.DEFAULT_HIGH_THRESHOLD,
            gg.DEFAULT_BLOCK_THRESHOLD) == (30, 60, 85)
    t.validate()
    assert t.is_valid
    assert repr(t) == "Thresholds(medium=30, high=60, block=85)"


@pytest.mark.parametrize("medium,high,block,message", [
    (0, 60, 85, "medium"), (-1, 60, 85, "medium"), (60, 60, 85, "medium (60) must be below high (60)"),
    (70, 60, 85, "medium"), (30, 85, 85, "high"), (30, 90, 85, "high"), (30, 60, 101, "block"),
])
def test_rejects_invalid_orderings_naming_the_rule(medium, high, block, message):
    t = gg.Thresholds(medium=medium, high=high, block=block)
    assert not t.is_valid
    with pytest.raises(gg.InvalidArgument, match=message.replace("(", r"\(").replace(")", r"\)")):
        t.validate()


def test_accepts_strictly_increasing_values_up_to_100():
    for t in [gg.Thresholds(1, 2, 3), gg.Thresholds(98, 99, 100), gg.Thresholds(10, 50, 100)]:
        t.validate()


@pytest.mark.parametrize("score,band", [
    (0, gg.Band.LOW), (29, gg.Band.LOW), (30, gg.Band.MEDIUM), (59, gg.Band.MEDIUM),
    (60, gg.Band.HIGH), (84, gg.Band.HIGH), (85, gg.Band.BLOCK), (100, gg.Band.BLOCK),
    (-5, gg.Band.LOW), (150, gg.Band.BLOCK),
])
def test_bands_the_default_edges_and_clamps(score, band):
    assert gg.Thresholds().band_of(score) == band


def test_bands_custom_thresholds_at_their_edges():
    t = gg.Thresholds(medium=50, high=70, block=90)
    assert [t.band_of(s) for s in (49, 50, 69, 70, 89, 90)] == [
        gg.Band.LOW, gg.Band.MEDIUM, gg.Band.MEDIUM, gg.Band.HIGH, gg.Band.HIGH, gg.Band.BLOCK]


def test_bands_are_ordered_with_wire_names_and_labels():
    bands = [gg.Band.LOW, gg.Band.MEDIUM, gg.Band.HIGH, gg.Band.BLOCK]
    assert sorted(reversed(bands)) == bands
    assert gg.Band.HIGH >= gg.Band.MEDIUM
    assert [b.wire_name for b in bands] == ["low", "medium", "high", "block"]
    assert [b.label for b in bands] == ["Verified", "Review", "Suspicious", "Blocked"]
    assert [gg.Band.parse(b.wire_name) for b in bands] == bands
    for bad in ["LOW", "Low", " low", "", "blocked"]:
        with pytest.raises(gg.InvalidArgument):
            gg.Band.parse(bad)
