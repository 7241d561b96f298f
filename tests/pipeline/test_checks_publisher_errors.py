"""What a publisher printed never blocks: with `nianbao synth`'s default violation rate (negative counts included) the
run succeeds, the snapshot is published, and every injected error is a row of marts.rpt_rule_failures."""

import duckdb
import pytest
from pipeline_support import failed_error_checks, make_pipeline, materialized, synth_raw

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
