"""GX suites validated in many small batches (whole reports each) give the summary of one validation of every row."""

import shutil

import pytest
from pipeline_support import make_pipeline, synth_raw

COUNT = 40  # seed 1, default violation rate: negative counts (R9), arithmetic breaks, incomplete grids (S1), R12
TINY = 7  # rows per batch: every report of the figures mart is a batch of its own


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    p = make_pipeline(tmp_path_factory.mktemp("batches") / "home", mp)
    synth_raw(p.raw, "--count", str(COUNT), "--seed", "1", "--formats", "txt", "--profile", "classic")
    mp.setenv("NIANBAO_CHECK_BATCH", str(TINY))  # the pipeline's own checks run in tiny batches too
    result = p.run()
    yield p, result
    mp.undo()


def connect(path):
    """The warehouse opened the way the pipeline opens it."""
    from dagster_duckdb import DuckDBResource

    return DuckDBResource(database=str(path)).get_connection()


def validate(conn, suite, size, raw_dir=None):
    """The suite's summary over every row, in batches of at most `size` rows (None: one batch); and the batches."""
    from expectations import batches, run

    sql, params = suite.query(conn, raw_dir)
    sizes = []

    def counted():
        for df in batches.frames(conn, sql, params, suite.BATCH_KEY, size):
            sizes.append(len(df))
            yield df

    return run.validate_batches(counted(), suite), sizes


def outcome(summary: dict) -> dict:
    """What must not depend on batching: totals, and per expectation its success and counts."""
    keys = ("expectation", "column", "severity", "success", "element_count", "unexpected_count", "missing_count")
    return {k: summary[k] for k in ("rows", "evaluated", "passed", "errors", "warnings", "success")} | {
        "results": [{k: r[k] for k in keys} for r in summary["results"]],
        "failed": sorted((r["expectation"], r["column"]) for r in summary["failed"]),
    }


@pytest.mark.parametrize(
    "name",
    [
        "raw_documents",
        "raw_quarantine",
        "fct_report_figures",
        "dim_reports",
        "fct_applications",
        "publisher_arithmetic",
    ],
)
def test_tiny_batches_give_the_summary_of_one_validation(built, name):
    import importlib

    p, _ = built
    suite = importlib.import_module(f"expectations.suites.{name}")
    with connect(p.warehouse) as conn:
        whole, one = validate(conn, suite, None, p.raw)
        batched, many = validate(conn, suite, TINY, p.raw)
    assert len(one) == 1 and sum(many) == one[0] == whole["rows"]
    assert len(many) > 1 or whole["rows"] <= TINY, many
    assert outcome(batched) == outcome(whole)
    for b, w in zip(batched["results"], whole["results"], strict=True):
        assert len(b["examples"]) == len(w["examples"]) and len(b["partial_unexpected_list"]) == len(
            w["partial_unexpected_list"]
        )


def test_the_corpus_breaks_expectations_across_many_batches(built):
    """The comparison above is not vacuous: warnings fail in several reports, each its own batch."""
    from expectations.suites import fct_report_figures, publisher_arithmetic

    p, _ = built
    with connect(p.warehouse) as conn:
        figures, batches_ = validate(conn, fct_report_figures, TINY)
        rules, _ = validate(conn, publisher_arithmetic, TINY)
    assert len(batches_) >= COUNT // 2
    assert ("expect_column_values_to_be_between", "unsigned_value") in {
        (r["expectation"], r["column"]) for r in figures["failed"]
    }
    assert sum(r["unexpected_count"] for r in rules["failed"]) >= 2


def test_the_pipeline_checks_in_tiny_batches_record_what_one_validation_finds(built):
    from expectations.suites import fct_report_figures

    p, result = built
    with connect(p.warehouse) as conn:
        whole, _ = validate(conn, fct_report_figures, None)
    recorded = dict(
        p.query(
            "select expectation_index, unexpected_count from audit.gx_expectation_results "
            "where run_id = ? and suite = ?",
            [result.run_id, fct_report_figures.NAME],
        )
    )
    assert recorded == {i: r["unexpected_count"] for i, r in enumerate(whole["results"])}
    (n_rows,) = p.query(
        "select n_rows from audit.gx_results where run_id = ? and suite = ?", [result.run_id, fct_report_figures.NAME]
    )[0]
    assert n_rows == whole["rows"]


def test_duplicate_keys_split_over_batches_are_still_found(built, tmp_path):
    """dim_reports: rows sharing a report_id or a body-year go to one batch, so uniqueness counts them all."""
    from expectations.suites import dim_reports

    p, _ = built
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(p.warehouse, copy)
    with connect(copy) as conn:
        rid, last = conn.execute("select min(report_id), max(report_id) from marts.dim_reports").fetchone()
        conn.execute("insert into marts.dim_reports select * from marts.dim_reports where report_id = ?", [rid])
        # a second report of the last body-year, sorted first: far from its twin in key order
        conn.execute(
            "insert into marts.dim_reports select * replace ('0' || report_id[2:] as report_id) "
            "from marts.dim_reports where report_id = ?",
            [last],
        )
        whole, _ = validate(conn, dim_reports, None)
        batched, many = validate(conn, dim_reports, 2)
    assert len(many) > 2
    counts = {
        r["column"]: r["unexpected_count"]
        for r in batched["results"]
        if r["expectation"] == "expect_column_values_to_be_unique"
    }
    assert counts == {"report_id": 2, "body_year_key": 4}
    assert outcome(batched) == outcome(whole)
