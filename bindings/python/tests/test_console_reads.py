"""The store's reads for a host's console through the Guard, on a real SQLite file: keyset
pages of the access log, per-guest summaries, counts between two accesses, and the
verdicts hosts gave (one, and the newest first)."""

import datetime as dt
import time

import pytest

import guestguard as gg
from guestguard import _guestguard
from conftest import KEYRING_SPEC, T0, other_device, usual_browser


def _minutes(n):
    return T0 + dt.timedelta(minutes=n)


@pytest.fixture
def url(tmp_path):
    """A SQLite file holding, for event ev1: six accesses of g1 (the usual browser, then a
    second device), one open and one check-in of g2; and one access of ev2."""
    url = f"sqlite:{tmp_path / 'console.db'}"
    with gg.Guard(keyring=KEYRING_SPEC, store=url) as guard:
        g1 = guard.issue_token("ev1", "g1")
        g2 = guard.issue_token("ev1", "g2")
        for i in range(4):
            guard.check(g1, usual_browser(_minutes(i)))
        guard.check(g1, other_device(_minutes(4)))
        guard.check(g1, other_device(_minutes(5)))
        guard.check(g2, usual_browser(_minutes(6)))
        checkin = usual_browser(_minutes(7))
        checkin.kind = "checkin"
        assert guard.check(g2, checkin).band != gg.Band.BLOCK
        guard.check(guard.issue_token("ev2", "g1"), usual_browser(_minutes(8)))
    return url


def test_pages_walk_the_log_newest_first_and_match_the_whole_list(url):
    with gg.Guard(keyring=KEYRING_SPEC, store=url) as guard:
        everything = guard.list_accesses("ev1", 100)
        assert len(everything) == 8
        pages, after = [], None
        while True:
            page = guard.list_access_page("ev1", 3, after=after)
            if not page:
                break
            assert len(page) <= 3
            pages.append(page)
            after = page[-1]  # The last AccessRecord: the next page starts after it.
        assert [len(p) for p in pages] == [3, 3, 2]
        assert [r.id for p in pages for r in p] == [r.id for r in everything]

        g1 = guard.list_access_page("ev1", guest_id="g1")
        assert [r.id for r in g1] == [r.id for r in everything if r.guest_id == "g1"]
        # An AccessPosition without an id: strictly before that time.
        earlier = guard.list_access_page("ev1", after=gg.AccessPosition(_minutes(6)))
        assert [r.at for r in earlier] == [_minutes(i) for i in range(5, -1, -1)]
        assert all(r.event_id == "ev1" for r in earlier)

        query = gg.AccessPageQuery(2, "g2", gg.AccessPosition(_minutes(9), None))
        assert repr(query).startswith("AccessPageQuery(limit=2, guest_id='g2', after=")
        store = _guestguard.new_sqlite_store(url)  # The extension's one-to-one form.
        assert [r.guest_id for r in store.list_access_page("ev1", query)] == ["g2", "g2"]

        for limit in (0, 1001):
            with pytest.raises(gg.InvalidArgument):
                guard.list_access_page("ev1", limit)
        with pytest.raises(gg.InvalidArgument):
            guard.list_access_page("ev1", after=gg.AccessPosition(T0, "not-an-id"))


def test_summaries_give_each_guests_newest_access_and_check_in(url):
    with gg.Guard(keyring=KEYRING_SPEC, store=url) as guard:
        newest = guard.list_accesses("ev1", 100)
        summaries = guard.summarize_guests("ev1", ["g1", "g2", "nobody"])
        assert sorted(summaries) == ["g1", "g2"]
        for guest_id, summary in summaries.items():
            assert summary.latest.id == next(r.id for r in newest if r.guest_id == guest_id)
        assert summaries["g1"].checked_in is False
        assert summaries["g2"].checked_in is True
        assert summaries["g2"].latest.kind == gg.AccessKind.CHECKIN
        assert guard.summarize_guests("ev1", iter(["g2"])).keys() == {"g2"}
        assert guard.summarize_guests("ev2", ["g2"]) == {}
        with pytest.raises(TypeError):
            guard.summarize_guests("ev1", "g1")
        with pytest.raises(gg.InvalidArgument):
            guard.summarize_guests("ev1", [f"g{i}" for i in range(1001)])


def test_counts_between_two_accesses_follow_the_bands(url):
    with gg.Guard(keyring=KEYRING_SPEC, store=url) as guard:
        g1 = list(reversed(guard.list_access_page("ev1", guest_id="g1")))  # Oldest first.
        first, last, between = g1[0], g1[-1], g1[1:-1]
        assert guard.count_accesses_between("ev1", "g1", first.id, last.id) == len(between) == 4
        for band in gg.Band.__members__.values():
            expected = sum(1 for r in between if int(r.band) >= int(band))
            assert guard.count_accesses_between("ev1", "g1", first.id, last.id, band) == expected
            assert guard.count_accesses_between("ev1", "g1", first.id, last.id,
                                                band.wire_name) == expected
        assert guard.count_accesses_between("ev1", "g2", first.id, last.id) == 0
        with pytest.raises(gg.InvalidArgument):
            guard.count_accesses_between("ev1", "g1", "not-an-id", last.id)
        with pytest.raises(gg.InvalidArgument):
            guard.count_accesses_between("ev1", "g1", first.id, last.id, "severe")


def test_feedback_reads_back_one_verdict_and_the_newest_first(url):
    with gg.Guard(keyring=KEYRING_SPEC, store=url) as guard:
        g1 = guard.list_access_page("ev1", guest_id="g1")
        before = dt.datetime.now(dt.timezone.utc)
        guard.record_feedback("ev1", g1[0].id, "suspicious", note="not her phone")
        time.sleep(0.01)  # Verdict times are microseconds: the second one is newer.
        guard.record_feedback("ev1", g1[-1].id, "legitimate")

    with gg.Guard(keyring=KEYRING_SPEC, store=url) as guard:  # Read back from the file.
        one = guard.get_feedback("ev1", g1[0].id)
        assert (one.event_id, one.access_log_id, one.verdict, one.note) == (
            "ev1", g1[0].id, gg.FeedbackVerdict.SUSPICIOUS, "not her phone")
        assert before <= one.created_at <= dt.datetime.now(dt.timezone.utc)
        assert one.created_at.tzinfo is not None
        assert repr(one).startswith(f"Feedback(event_id='ev1', access_log_id='{g1[0].id}'")

        recent = guard.list_recent_feedback("ev1")
        assert [(f.access_log_id, f.verdict.wire_name, f.note) for f in recent] == [
            (g1[-1].id, "legitimate", ""), (g1[0].id, "suspicious", "not her phone")]
        assert [f.access_log_id for f in guard.list_recent_feedback("ev1", 1)] == [g1[-1].id]
        assert guard.list_recent_feedback("ev2") == []

        with pytest.raises(gg.NotFound):
            guard.get_feedback("ev1", g1[1].id)  # No verdict on it.
        with pytest.raises(gg.NotFound):
            guard.get_feedback("ev2", g1[0].id)  # An access of another event.
        for limit in (0, 1001):
            with pytest.raises(gg.InvalidArgument):
                guard.list_recent_feedback("ev1", limit)
        guard.close()
        with pytest.raises(gg.FailedPrecondition):
            guard.list_recent_feedback("ev1")
