"""What a publisher printed never blocks: with `nianbao synth`'s default violation rate (negative counts included) the
run succeeds, the snapshot is published, every injected error is a row of marts.rpt_rule_failures, and the dbt test
that warns names the reports that broke it."""

import re

import dagster as dg
import duckdb
import pytest
from pipeline_support import failed_error_checks, make_pipeline, materialized, synth_raw

from assets import check_report

COUNT = 80  # seed 1: R1-R4, R8, R9 (a negative count), R12, S1 and pre-2019 O rules among them


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    p = make_pipeline(tmp_path_factory.mktemp("publisher") / "home", mp)
    truth = synth_raw(p.raw, "--count", str(COUNT), "--seed", "1", "--formats", "txt", "--profile", "classic")
    result = p.run()
    yield p, result, truth
    mp.undo()


def test_the_snapshot_is_published_despite_publishers_errors(built):
    _, result, truth = built
    injected = {v for e in truth for v in e["violations"]}
    assert {"R9", "R1", "R12"} <= injected  # a negative count among them
    assert result.success and failed_error_checks(result) == []
    assert "bi/snapshot" in materialized(result)


def test_every_injected_error_is_a_row_of_rpt_rule_failures(built):
    p, _, truth = built
    with duckdb.connect(str(p.snapshot), read_only=True) as bi:
        found = set(
            bi.execute("select regexp_extract(source_path, '[^/]+$'), rule_id from marts.rpt_rule_failures").fetchall()
        )
    expected = {(e["file"], v) for e in truth for v in e["violations"]}
    assert expected and expected <= found
    negative = [(f, r) for f, r in expected if r == "R9"]
    assert negative and all(x in found for x in negative)


def test_the_negative_count_is_a_warning_of_the_figures_contract(built):
    _, result, _ = built
    evs = {f"{e.asset_key.to_user_string()}:{e.check_name}": e for e in result.get_asset_check_evaluations()}
    ev = evs["marts/fct_report_figures:structural_contract"]
    failed = ev.metadata["failed_expectations"].value
    assert not ev.passed and {(f["column"], f["severity"]) for f in failed} == {("unsigned_value", "warning")}


def _table_rows(markdown: str) -> list[list[str]]:
    """The body rows of check_report's Markdown table: report, body, year, file, rule, message."""
    return [[c.strip() for c in line.strip("|").split("|")] for line in markdown.splitlines() if line.startswith("| `")]


def test_the_warned_dbt_test_names_its_failing_reports(built):
    p, result, truth = built
    (ev,) = [
        e for e in result.get_asset_check_evaluations() if e.check_name == "catalogue_rules_of_severity_error_hold"
    ]
    assert not ev.passed and ev.severity == dg.AssetCheckSeverity.WARN
    count = ev.metadata["dagster_dbt/failed_row_count"].value
    rows = _table_rows(ev.metadata["failing_reports"].value)
    times = [int(m[1]) if (m := re.search(r" \(×(\d+)\)$", row[5])) else 1 for row in rows]
    assert count >= 1 and sum(times) == min(count, check_report.CAP)
    # each row is a rule the corpus broke in that file, with the body and year the marts give that report
    injected = {(e["file"], v) for e in truth for v in e["violations"]}
    reports = {
        rid[:12]: (agency, str(year), path)
        for rid, agency, year, path in p.query(
            "select report_id, agency_name, report_year, source_path from marts.dim_reports"
        )
    }
    for report, body, year, path, rule, message in rows:
        assert reports[report.strip("`")] == (body, year, path)
        assert (path, rule) in injected
        assert re.search(r": [-\d.]+ (≠|violates [<>]=) [-\d.]+", message), message  # the relation and both sums
