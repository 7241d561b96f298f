"""R8 (a prose figure equals its table figure) is lines of the rule catalogue like the table's own arithmetic: its
severity changed on its one line of spec/rules.csv, the extractor's findings, rpt_rule_failures, the dbt tests and
the GX suite all follow (its tolerance, the extractor and the generator's check: tests/test_rules_catalogue.py)."""

import pytest
from test_rule_catalogue_one_change import before_and_after, broken_only, extractor, gx_severity, verdicts

from nianbao.synth.corpus import render_txt

R8_WARNING = "R8,any,text_vs_table,warning,"


def r8_observed(p, result, files) -> dict:
    """What each consumer says of one report breaking R8 after a run."""
    v = verdicts(result)
    return v | {
        "extractor": extractor(files["r8.txt"]).get("R8"),
        "warehouse": set(p.query("select distinct severity from marts.rpt_rule_failures where rule_id = 'R8'")),
        "gx_r8_broken": v["gx"]["R8_reports_broken"].value,
        "gx_r8_severity": gx_severity("R8"),
    }


@pytest.fixture(scope="module")
def r8_runs(tmp_path_factory):
    reports = {"r8.txt": render_txt(broken_only("2021", "R8"))}
    edits = [("rules.csv", R8_WARNING, "R8,any,text_vs_table,error,")]
    yield from before_and_after(tmp_path_factory.mktemp("one_change_r8"), reports, edits, r8_observed)


def test_r8_is_a_warning_of_every_consumer_before_the_change(r8_runs):
    before, _ = r8_runs
    assert before["run_ok"] and before["extractor"] == {"warning"} and before["warehouse"] == {("warning",)}
    assert before["dbt_error"] is True and before["dbt_warning"] is False
    assert before["gx_r8_broken"] == 1 and before["gx_r8_severity"] == "warning"


def test_r8_severity_changed_on_one_line_every_consumer_follows(r8_runs):
    _, after = r8_runs
    assert after["run_ok"] and after["extractor"] == {"error"} and after["warehouse"] == {("error",)}
    assert after["dbt_error"] is False and after["dbt_warning"] is True  # R8's broken instance moved
    assert after["gx_r8_broken"] == 1 and after["gx_r8_severity"] == "error"
