"""One run with a corrupted raw row (a failure without an error message): blocking checks fail, no BI snapshot."""

import json

import dagster as dg
import pytest
from pipeline_support import check_results, make_pipeline, materialized

VICTIM = "003_f29a9ed548c71819.txt"


def silent_failure(ex: dict) -> dict:
    """The parse of one file comes back failed but with no error kind or message."""
    if ex["source"].endswith(VICTIM):
        return {**ex, "status": "error", "error": None, "report": None, "figures": [], "findings": []}
    return ex


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    p = make_pipeline(tmp_path_factory.mktemp("blocking") / "home", mp, corrupt=silent_failure)
    result = p.run()
    yield p, result
    mp.undo()


def test_raw_contracts_fail_with_error_severity(built):
    _, result = built
    evs = {f"{e.asset_key.to_user_string()}:{e.check_name}": e for e in result.get_asset_check_evaluations()}
    for key, column in (
        ("raw/quarantine:structural_contract", "message"),
        ("raw/documents:structural_contract", "failure_quarantined"),
    ):
        ev = evs[key]
        assert not ev.passed and ev.severity == dg.AssetCheckSeverity.ERROR, key
        failed = ev.metadata["failed_expectations"].value
        assert [f["unexpected_count"] for f in failed if f["column"] == column] == [1], key


def test_nothing_downstream_runs_and_no_snapshot_is_published(built):
    p, result = built
    assert not result.success
    done = materialized(result)
    assert "raw/quarantine" in done and "bi/snapshot" not in done
    assert not any(k.startswith("marts/") for k in done)
    assert not p.snapshot.exists()
    assert "marts/fct_report_figures:structural_contract" not in check_results(result)  # never reached


def test_the_failure_is_recorded_for_users(built):
    p, result = built
    rows = p.query(
        "select suite, success, failed_json from audit.gx_results where run_id = ? order by suite", [result.run_id]
    )
    assert [(s, ok) for s, ok, _ in rows] == [("raw_documents_structure", False), ("raw_quarantine_structure", False)]
    assert any(f["column"] == "message" for f in json.loads(rows[1][2]))
