"""The load contract the incremental marts read: every raw row's loaded_at, and one raw.load_log row per commit."""

import pytest
from pipeline_support import make_pipeline

TABLES = ("documents", "reports", "figures", "findings", "quarantine")


@pytest.fixture
def pipeline(tmp_path, monkeypatch):
    return make_pipeline(tmp_path / "home", monkeypatch)


def test_loaded_at_moves_only_for_what_changed(pipeline):
    p = pipeline
    assert p.run(raw_only=True).success
    for t in TABLES:
        assert p.query(f"select count(*) from raw.{t} where loaded_at is null") == [(0,)], t
    # one chunk (the 5 samples) then the run's closing step, each its own commit
    (first,) = p.query("select min(loaded_at) from raw.load_log")[0]
    docs = dict(p.query("select path, loaded_at from raw.documents"))
    assert set(docs.values()) == {first}

    removed = min(p.raw.iterdir())
    removed.unlink()
    assert p.run(raw_only=True).success  # nothing new: the others keep their loaded_at, the removed file moves
    (second,) = p.query("select max(loaded_at) from raw.load_log")[0]
    assert second > first
    after = {
        path: (at, current) for path, at, current in p.query("select path, loaded_at, is_current from raw.documents")
    }
    assert after[str(removed.resolve())] == (second, False)
    assert all(after[path] == (first, True) for path in docs if path != str(removed.resolve()))
    assert p.query("select count(*) from raw.figures where loaded_at > ?", [first]) == [(0,)]

    log = p.query(
        "select chunk_seq, n_documents, n_reports, started_at <= finished_at from raw.load_log order by loaded_at"
    )
    # run 1: the chunk, the closing step (nothing to close); run 2: nothing parsed, its closing step marks 1 file
    assert log == [(0, 5, 5, True), (1, 0, 0, True), (0, 1, 0, True)]
