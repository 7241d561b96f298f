"""One run with a table that does not add up: a WARN check with the right counts, and the snapshot still published."""

import json

import dagster as dg
import pytest
from pipeline_support import check_results, make_pipeline, materialized

SEED_2019 = "004_7f3569336a1c441f.txt"  # the 2019-template seed; its tables add up as printed


def break_r4(ex: dict) -> dict:
    """表四 行政复议 总计 one more than its parts (rules.csv R4), after the parser judged the report."""
    if ex["source"].endswith(SEED_2019):
        fig = next(
            f
            for f in ex["figures"]
            if (f["table"], f["row"], f["column"]) == ("t4_review_litigation", "administrative_review", "total")
        )
        fig["value"] = (fig["value"] or 0) + 1
    return ex


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    p = make_pipeline(tmp_path_factory.mktemp("warn") / "home", mp, corrupt=break_r4)
    result = p.run()
    yield p, result
    mp.undo()


def evaluations(result) -> dict[str, dg.AssetCheckEvaluation]:
    return {f"{e.asset_key.to_user_string()}:{e.check_name}": e for e in result.get_asset_check_evaluations()}


def test_arithmetic_violation_warns_and_the_snapshot_is_still_published(built):
    p, result = built
    assert result.success
    checks = check_results(result)
    assert all(v for k, v in checks.items() if k.endswith(":structural_contract"))
    ev = evaluations(result)["marts/fct_report_figures:publisher_arithmetic"]
    assert not ev.passed and ev.severity == dg.AssetCheckSeverity.WARN
    assert "bi/snapshot" in materialized(result) and p.snapshot.exists()


def test_warn_check_metadata_counts_each_rule(built):
    p, result = built
    meta = {
        k: v.value for k, v in evaluations(result)["marts/fct_report_figures:publisher_arithmetic"].metadata.items()
    }
    report_id = p.query("select report_id from marts.dim_reports where source_path like ?", [f"%{SEED_2019}"])[0][0]
    assert meta["R4_reports_broken"] == 1 and meta["rules"]["R4"]["examples"] == [report_id]
    # the other rules: exactly the reports the parser flagged (seed 002 prints O6 and O8 breaks)
    parser = dict(
        p.query(
            "select rule_id, count(distinct report_id) from raw.findings "
            "where report_id in (select report_id from marts.dim_reports) group by 1"
        )
    )
    for rule in ("R1", "R2", "R3", "R8", "O1", "O2", "O3", "O4", "O5", "O6", "O7", "O8"):
        assert meta[f"{rule}_reports_broken"] == parser.get(rule, 0), rule
    assert parser.get("R8", 0) >= 1  # seed 002's prose 42余条 against its table's 20
    assert meta["evaluated"] == 13 and meta["failed"] == meta["warnings"] >= 1 and meta["errors"] == 0
    assert meta["unexpected_counts"]["expect_column_values_to_be_between(R4)"] == 1


def test_every_gx_check_is_recorded_with_counts_in_the_event_log(built):
    _, result = built
    ev = evaluations(result)
    for key in (
        "raw/documents:structural_contract",
        "raw/quarantine:structural_contract",
        "marts/fct_report_figures:structural_contract",
        "marts/dim_reports:structural_contract",
        "marts/fct_applications:structural_contract",
    ):
        meta = {k: v.value for k, v in ev[key].metadata.items()}
        assert ev[key].passed, (key, meta.get("failed_expectations"))
        assert meta["evaluated"] >= 7 and meta["failed"] == 0, key
        assert meta["rows"] > 0 or key.startswith("raw/quarantine"), key  # the seeds all parse
        assert set(meta["unexpected_counts"].values()) <= {0, None}, key


def test_audit_tables_hold_every_expectation_of_the_run(built):
    p, result = built
    suites = dict(
        p.query("select suite, count(*) from audit.gx_expectation_results where run_id = ? group by 1", [result.run_id])
    )
    assert set(suites) == {
        "raw_documents_structure",
        "raw_quarantine_structure",
        "fct_report_figures_structure",
        "dim_reports_structure",
        "fct_applications_structure",
        "publisher_arithmetic",
    }
    (row,) = p.query(
        "select success, unexpected_count, severity, observed_json from audit.gx_expectation_results "
        "where run_id = ? and rule_id = 'R4'",
        [result.run_id],
    )
    assert row[:3] == (False, 1, "warning")
    assert json.loads(row[3])["examples"]
    summary = p.query(
        "select check_name, blocking, success, errors, warnings from audit.gx_results "
        "where run_id = ? and suite = 'publisher_arithmetic'",
        [result.run_id],
    )
    broken = p.query(
        "select count(*) from audit.gx_expectation_results where run_id = ? "
        "and suite = 'publisher_arithmetic' and not success",
        [result.run_id],
    )[0][0]
    assert summary == [("publisher_arithmetic", False, True, 0, broken)] and broken >= 1


def test_data_docs_list_every_suite(built):
    p, _ = built
    index = (p.home / "gx" / "index.html").read_text(encoding="utf-8")
    for suite in ("raw_documents_structure", "fct_report_figures_structure", "publisher_arithmetic"):
        assert suite in index, suite


def test_the_dbt_test_that_warns_names_the_broken_report(built):
    p, result = built
    ev = evaluations(result)["intermediate/int_rule_residuals__per_report:catalogue_rules_of_severity_error_hold"]
    assert not ev.passed and ev.severity == dg.AssetCheckSeverity.WARN
    (report_id, agency, year, path), *_ = p.query(
        "select report_id, agency_name, report_year, source_path from marts.dim_reports where source_path like ?",
        [f"%{SEED_2019}"],
    )
    table = ev.metadata["failing_reports"].value
    assert (
        f"| `{report_id[:12]}` | {agency} | {year} | {path} | R4 | t4_review_litigation administrative_review" in table
    )
    count = ev.metadata["dagster_dbt/failed_row_count"].value
    assert count >= 1 and table.endswith(f"dbt counted {count} failing {'row' if count == 1 else 'rows'}.")
