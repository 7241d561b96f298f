"""R8 (a prose figure equals its table figure) is lines of the rule catalogue like the table's own arithmetic: its
severity changed on its one line of spec/rules.csv, the extractor's findings, rpt_rule_failures, the dbt tests and
the GX suite all follow (its tolerance, the extractor and the generator's check: tests/test_rules_catalogue.py)."""

import shutil

import pytest
from pipeline_support import failed_error_checks, make_pipeline
from test_rule_catalogue_one_change import DBT_ERROR, DBT_WARNING, GX, SPEC, broken_only, extractor

from expectations.suites import publisher_arithmetic
from nianbao import codebook, rules
from nianbao.synth.corpus import render_txt

R8_WARNING = "R8,any,text_vs_table,warning,"


def r8_observed(p, result, path) -> dict:
    """What each consumer says of one report breaking R8 after a run."""
    checks = {f"{e.asset_key.to_user_string()}:{e.check_name}": e for e in result.get_asset_check_evaluations()}
    return {
        "extractor": extractor(path).get("R8"),
        "warehouse": set(p.query("select distinct severity from marts.rpt_rule_failures where rule_id = 'R8'")),
        "dbt_error": checks[DBT_ERROR].passed,
        "dbt_warning": checks[DBT_WARNING].passed,
        "gx_r8_broken": checks[GX].metadata["R8_reports_broken"].value,
        "gx_r8_severity": next(
            e.meta["rule_severity"] for e in publisher_arithmetic.build().expectations if e.meta["rule"] == "R8"
        ),
        "run_ok": result.success and failed_error_checks(result) == [],
    }


@pytest.fixture(scope="module")
def r8_runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("one_change_r8")
    mp = pytest.MonkeyPatch()
    p = make_pipeline(tmp / "home", mp)
    for f in p.raw.iterdir():
        f.unlink()
    path = p.raw / "r8.txt"
    path.write_bytes(render_txt(broken_only("2021", "R8")))
    before = r8_observed(p, p.run(), path)
    spec = tmp / "spec"
    spec.mkdir()
    for name in SPEC:
        shutil.copyfile(codebook.spec_path(name), spec / name)
    lines = (spec / "rules.csv").read_text(encoding="utf-8").splitlines()
    edited = [x.replace(R8_WARNING, "R8,any,text_vs_table,error,") for x in lines]
    assert sum(a != b for a, b in zip(lines, edited, strict=True)) == 1  # a one-line change
    (spec / "rules.csv").write_text("\n".join(edited) + "\n", encoding="utf-8")
    mp.setattr(codebook, "spec_path", lambda name: spec / name)
    mp.setenv("NIANBAO_FULL_REFRESH", "1")
    rules.reload()
    try:
        yield before, r8_observed(p, p.run(), path)
    finally:
        mp.undo()
        rules.reload()


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
