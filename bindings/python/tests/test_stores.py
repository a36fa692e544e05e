"""Store URLs: one per backend the package links (memory, SQLite in memory, a
SQLite file), and the refusals; parsed in plain Python before anything opens."""

import pytest

import guestguard as gg
from conftest import KEYRING_SPEC, usual_browser


def test_memory_keeps_at_most_max_access_records():
    with gg.Guard(keyring=KEYRING_SPEC, store="memory", max_access_records=2) as guard:
        token = guard.issue_token("ev1", "g1")
        ids = [guard.check(token, usual_browser()).access_log_id for _ in range(3)]
        assert [r.id for r in guard.list_accesses("ev1")] == ids[:0:-1]
        assert repr(guard) == "Guard(store='memory', active_key_id='k1')"
    with pytest.raises(gg.InvalidArgument):
        gg.Guard(keyring=KEYRING_SPEC, store="memory", max_access_records=0)


def test_sqlite_in_memory_is_private_to_its_guard():
    with gg.Guard(keyring=KEYRING_SPEC, store="sqlite::memory:") as a, \
            gg.Guard(keyring=KEYRING_SPEC, store="sqlite::memory:") as b:
        a.set_thresholds("ev1", medium=40)
        assert a.get_thresholds("ev1") == gg.Thresholds(40, 60, 85)
        assert b.get_thresholds("ev1") == gg.Thresholds()


def test_sqlite_file_is_shared_by_guards_on_the_same_path_and_ignores_the_memory_cap(tmp_path):
    url = f"sqlite:{tmp_path / 'g.db'}"
    with gg.Guard(keyring=KEYRING_SPEC, store=url, max_access_records=1) as a, \
            gg.Guard(keyring=KEYRING_SPEC, store=url) as b:
        token = a.issue_token("ev1", "g1")
        for _ in range(3):
            a.check(token, usual_browser())
        assert len(b.list_accesses("ev1")) == 3
        assert repr(a) == f"Guard(store={url!r}, active_key_id='k1')"
    assert (tmp_path / "g.db").stat().st_size > 0


@pytest.mark.parametrize("url", ["postgres://localhost/x", "", "Memory", "memory:", "sqlite",
                                 " sqlite:/tmp/x.db", "file:/tmp/x.db"])
def test_other_urls_are_refused_naming_the_accepted_ones(url, tmp_path):
    with pytest.raises(gg.InvalidArgument, match='store must be "memory" or "sqlite:<path>"'):
        gg.Guard(keyring=KEYRING_SPEC, store=url)


def test_a_sqlite_url_without_a_path_or_a_non_str_store_is_refused():
    with pytest.raises(gg.InvalidArgument, match="no file path"):
        gg.Guard(keyring=KEYRING_SPEC, store="sqlite:")
    with pytest.raises(TypeError, match="store must be a str"):
        gg.Guard(keyring=KEYRING_SPEC, store=None)
