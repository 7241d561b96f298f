"""The mart checks share one step: a blocking failure in one of them stops the snapshot, while every mart check still
reports its own result (a WARN one included); a WARN failure alone never stops it (test_checks_warn.py)."""

import dagster as dg
import pytest
from pipeline_support import check_results, make_pipeline, materialized

SEED_2019 = "004_7f3569336a1c441f.txt"  # the 2019-template seed; its tables add up as printed


def lost_location_and_broken_r4(ex: dict) -> dict:
    """One figure of the 2019 seed comes back without any location (a provenance failure only the GX figures contract
    sees), and its 表四 行政复议 总计 is one more than its parts (rules.csv R4, a WARN of publisher_arithmetic)."""
    if ex["source"].endswith(SEED_2019):
        figures = [dict(f) for f in ex["figures"]]
        total = next(
            f
            for f in figures
            if (f["table"], f["row"], f["column"]) == ("t4_review_litigation", "administrative_review", "total")
        )
        total["value"] = (total["value"] or 0) + 1
        first = next(f for f in figures if f["mapped"] and f is not total)
        first["location"] = {"page": None, "table_index": None, "row_index": None, "column_index": None}
        return {**ex, "figures": figures}
    return ex


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    p = make_pipeline(tmp_path_factory.mktemp("marts_step") / "home", mp, corrupt=lost_location_and_broken_r4)
    result = p.run()
    yield p, result
    mp.undo()


def evaluations(result) -> dict[str, dg.AssetCheckEvaluation]:
    return {f"{e.asset_key.to_user_string()}:{e.check_name}": e for e in result.get_asset_check_evaluations()}


def test_the_blocking_failure_stops_the_snapshot(built):
    p, result = built
    assert not result.success
    done = materialized(result)
    assert "marts/fct_report_figures" in done and "bi/snapshot" not in done
    assert not p.snapshot.exists()
    ev = evaluations(result)["marts/fct_report_figures:structural_contract"]
    assert not ev.passed and ev.severity == dg.AssetCheckSeverity.ERROR
    failed = ev.metadata["failed_expectations"].value
    assert [(f["column"], f["unexpected_count"]) for f in failed if f["severity"] == "error"] == [("has_location", 1)]


def test_every_mart_check_of_the_step_has_its_own_result(built):
    _, result = built
    checks = check_results(result)
    assert checks["marts/dim_reports:structural_contract"] is True
    assert checks["marts/fct_applications:structural_contract"] is True
    ev = evaluations(result)["marts/fct_report_figures:publisher_arithmetic"]
    assert not ev.passed and ev.severity == dg.AssetCheckSeverity.WARN
    assert ev.metadata["R4_reports_broken"].value == 1


def test_each_suite_is_recorded_in_the_audit_tables(built):
    p, result = built
    rows = p.query(
        "select suite, success, blocking from audit.gx_results where run_id = ? and asset like 'marts.%' order by 1",
        [result.run_id],
    )
    assert rows == [
        ("dim_reports_structure", True, True),
        ("fct_applications_structure", True, True),
        ("fct_report_figures_structure", False, True),
        ("publisher_arithmetic", True, False),
    ]
