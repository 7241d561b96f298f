"""Streaming extraction: chunks commit on their own with loaded_at and a raw.load_log row; removals are marked;
progress lines; nothing is read ahead of a chunk."""

import pytest
from pipeline_support import Pipeline, make_pipeline, metadata

from nianbao import batch
from nianbao.progress import Progress, duration


@pytest.fixture
def pipeline(tmp_path, monkeypatch) -> Pipeline:
    monkeypatch.setenv("NIANBAO_CHUNK", "2")
    return make_pipeline(tmp_path / "home", monkeypatch)


def test_chunked_reads_nothing_ahead_of_a_chunk():
    pulled = []

    def items():
        for i in range(5):
            pulled.append(i)
            yield i

    chunks = batch.chunked(items(), 2)
    assert next(chunks) == [0, 1] and pulled == [0, 1]
    assert list(chunks) == [[2, 3], [4]]


def test_isolated_results_stay_in_order_with_a_small_window(tmp_path):
    from pipeline_support import CORPUS

    from nianbao.isolation import OLE_MAGIC, extract_many

    paths = [tmp_path / "first.doc", *sorted(CORPUS.iterdir()), tmp_path / "last.doc"]
    for p in (paths[0], paths[-1]):
        p.write_bytes(OLE_MAGIC + b"\0" * 600)  # a broken DOC: converted (or read) apart from the others
    out = list(extract_many(paths, workers=2, window=2, timeout_s=60))
    assert [r["source"] for r in out] == [str(p) for p in paths]
    assert [r["status"] for r in out] == ["error", *["ok"] * 5, "error"]


def test_progress_line_counts_rate_and_time_left():
    now = [100.0]
    p = Progress(20_000, clock=lambda: now[0])
    now[0] = 110.0
    p.advance(2_000)
    assert p.rate == 200.0 and p.left_s == 90.0
    assert p.line() == "2,000 of 20,000 documents (10.0%), 200.0 documents/s, 1 min 30 s left, 10 s elapsed"
    assert duration(7_380) == "2 h 03 min"


def test_each_chunk_commits_with_its_loaded_at_and_a_load_log_row(pipeline):
    result = pipeline.run(raw_only=True)
    assert result.success
    assert metadata(result, ["extract", "report_extractions"])["chunks"] == 3  # 5 documents, chunks of 2
    log = pipeline.query(
        "select chunk_seq, n_documents, n_reports, n_figures, loaded_at, started_at, finished_at "
        "from raw.load_log order by chunk_seq"
    )
    assert [r[:3] for r in log] == [(0, 2, 2), (1, 2, 2), (2, 1, 1), (3, 0, 0)]  # 3 chunks, then the closing step
    assert sum(r[3] for r in log) == pipeline.query("select count(*) from raw.figures")[0][0]
    stamps = [r[4] for r in log]
    assert stamps == sorted(set(stamps)) and all(r[5] <= r[6] for r in log)
    for t in ("documents", "reports", "figures", "findings"):
        per_chunk = pipeline.query(
            f"select l.chunk_seq, count(*) from raw.{t} x join raw.load_log l using (loaded_at) group by 1 order by 1"
        )
        chunks = [c for c, _ in per_chunk]
        assert chunks == [0, 1, 2] if t != "findings" else set(chunks) <= {0, 1, 2}, t  # not every report has one
    # the figures of a report were committed with its report
    assert (
        pipeline.query(
            "select count(*) from raw.figures f join raw.reports r using (report_id) where f.loaded_at <> r.loaded_at"
        )[0][0]
        == 0
    )
    years = metadata(result, ["raw", "reports"])["by_report_year"]
    assert sum(v["reports"] for v in years.values()) == 5


def test_removed_file_is_marked_with_a_new_loaded_at(pipeline):
    assert pipeline.run(raw_only=True).success
    gone = min(pipeline.raw.iterdir())
    (before,) = pipeline.query("select loaded_at from raw.documents where path = ?", [str(gone.resolve())])[0]
    gone.unlink()
    assert pipeline.run(raw_only=True).success
    row = pipeline.query("select is_current, loaded_at from raw.documents where path = ?", [str(gone.resolve())])
    last = pipeline.query("select max(loaded_at) from raw.load_log")[0][0]
    assert row == [(False, last)] and last > before
    # the untouched files keep the loaded_at of the chunk that parsed them
    assert pipeline.query("select count(*) from raw.documents where is_current and loaded_at = ?", [last]) == [(0,)]
    gone.write_bytes(b"")  # an empty file at the old path: a new content, parsed and quarantined
    assert pipeline.run(raw_only=True).success
    assert pipeline.query("select count(*) from raw.quarantine where path = ?", [str(gone.resolve())]) == [(1,)]
