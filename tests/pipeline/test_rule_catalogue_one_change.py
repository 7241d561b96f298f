"""One rule changed on one line of the catalogue, and every consumer follows: R4's tolerance raised (in
spec/rule_relations.csv) and R1's severity lowered (in spec/rules.csv, where a rule's severity lives) — the
extractor's findings, the dbt residuals, rpt_rule_failures and the dbt tests, and the GX suite all change with it."""

import shutil

import pytest
from pipeline_support import failed_error_checks, make_pipeline

from expectations.suites import publisher_arithmetic
from nianbao import codebook, rules
from nianbao.extract import extract_path
from nianbao.synth import generate
from nianbao.synth.corpus import render_txt

SPEC = ("codebook.csv", "rules.csv", "rule_relations.csv")
DBT_ERROR = "intermediate/int_rule_residuals__per_report:catalogue_rules_of_severity_error_hold"
DBT_WARNING = "intermediate/int_rule_residuals__per_report:catalogue_rules_of_severity_warning_hold"
GX = "marts/fct_report_figures:publisher_arithmetic"


def broken_only(template: str, rule: str):
    """A generated report of the template breaking exactly that rule."""
    for k in range(2000):
        spec = generate(5, k, template, "tab", violation_rate=1.0)
        if spec.violations == [rule]:
            return spec
    raise RuntimeError(f"no {template} report breaking only {rule}")


def worst_residual(spec, rule: str) -> float:
    """The largest |lhs − rhs| of the rule's instances in the report's own figures."""
    values = {**spec.extra_cells, **spec.figures}
    sums = [rules.evaluate(values, r) for r in rules.relations(spec.template) if r.rule == rule]
    return max(abs(s[0] - s[1]) for s in sums if s is not None)


def edited_spec(tmp, edits) -> None:
    """A copy of nianbao/spec with exactly one line changed per edit (file, line start, new line start)."""
    for name in SPEC:
        shutil.copyfile(codebook.spec_path(name), tmp / name)
    for name, old, new in edits:
        before = (tmp / name).read_text(encoding="utf-8").splitlines()
        after = [line.replace(old, new) if line.startswith(old) else line for line in before]
        assert sum(a != b for a, b in zip(before, after, strict=True)) == 1, name  # a one-line change
        (tmp / name).write_text("\n".join(after) + "\n", encoding="utf-8")


def extractor(path) -> dict[str, set[str]]:
    """rule -> severities of the in-process extractor's findings on one file."""
    out: dict[str, set[str]] = {}
    for f in extract_path(path)["findings"]:
        out.setdefault(f["rule"], set()).add(f["severity"])
    return out


def verdicts(result) -> dict:
    """After a run: the two dbt tests of the catalogue, the GX suite's metadata, and whether the run passed."""
    checks = {f"{e.asset_key.to_user_string()}:{e.check_name}": e for e in result.get_asset_check_evaluations()}
    return {
        "dbt_error": checks[DBT_ERROR].passed,
        "dbt_warning": checks[DBT_WARNING].passed,
        "gx": checks[GX].metadata,
        "run_ok": result.success and failed_error_checks(result) == [],
    }


def gx_severity(rule: str) -> str:
    """The rules.csv severity the GX suite tags the rule's expectation with."""
    return next(e.meta["rule_severity"] for e in publisher_arithmetic.build().expectations if e.meta["rule"] == rule)


def before_and_after(tmp, reports: dict[str, bytes], edits, observe):
    """Run on the reports alone, then again with the spec edited (edited_spec: the marts and checks built again
    from the same raw figures); yields what observe(pipeline, result, files) says before and after."""
    mp = pytest.MonkeyPatch()
    p = make_pipeline(tmp / "home", mp)
    for f in p.raw.iterdir():
        f.unlink()
    files = {name: p.raw / name for name in reports}
    for name, data in reports.items():
        files[name].write_bytes(data)
    before = observe(p, p.run(), files)
    spec = tmp / "spec"
    spec.mkdir()
    edited_spec(spec, edits)
    mp.setattr(codebook, "spec_path", lambda name: spec / name)
    mp.setenv("NIANBAO_FULL_REFRESH", "1")
    rules.reload()
    try:
        yield before, observe(p, p.run(), files)
    finally:
        mp.undo()
        rules.reload()


def observed(p, result, files) -> dict:
    """What each consumer says of the two reports after a run."""
    failures = p.query("select regexp_extract(source_path, '[^/]+$'), rule_id, severity from marts.rpt_rule_failures")
    v = verdicts(result)
    return v | {
        "extractor": {name: extractor(path) for name, path in files.items()},
        "warehouse": {(n, r, s) for n, r, s in failures if r in ("R1", "R4")},
        "gx_r4": v["gx"]["R4_reports_broken"].value,
        "gx_r1_broken": v["gx"]["R1_reports_broken"].value,
        "gx_r1_severity": gx_severity("R1"),
    }


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    r4, r1 = broken_only("2019", "R4"), broken_only("2021", "R1")
    r4_line = "R4,,t4_review_litigation,row,total,=,upheld + corrected + other_result + pending,"
    edits = [
        ("rule_relations.csv", r4_line + "0", r4_line + str(worst_residual(r4, "R4"))),
        ("rules.csv", "R1,2019|2021,t3_applications,error,", "R1,2019|2021,t3_applications,warning,"),
    ]
    reports = {"r4.txt": render_txt(r4), "r1.txt": render_txt(r1)}
    yield from before_and_after(tmp_path_factory.mktemp("one_change"), reports, edits, observed)


def test_before_the_change_r4_and_r1_are_broken_errors(runs):
    before, _ = runs
    assert before["run_ok"]
    assert before["extractor"]["r4.txt"].get("R4") == {"error"}
    assert before["extractor"]["r1.txt"].get("R1") == {"error"}
    assert {(r, s) for _, r, s in before["warehouse"]} == {("R4", "error"), ("R1", "error")}
    assert before["dbt_error"] is False and before["dbt_warning"] is True
    assert before["gx_r4"] == 1 and before["gx_r1_broken"] == 1 and before["gx_r1_severity"] == "error"


def test_the_extractor_follows(runs):
    _, after = runs
    assert "R4" not in after["extractor"]["r4.txt"]  # within the new tolerance
    assert after["extractor"]["r1.txt"].get("R1") == {"warning"}  # the new severity


def test_the_warehouse_and_the_dbt_tests_follow(runs):
    _, after = runs
    assert after["run_ok"]
    assert {(n, r, s) for n, r, s in after["warehouse"]} == {("r1.txt", "R1", "warning")}
    assert after["dbt_error"] is True and after["dbt_warning"] is False  # R1's broken instances moved


def test_the_gx_suite_follows(runs):
    _, after = runs
    assert after["gx_r4"] == 0 and after["gx_r1_broken"] == 1 and after["gx_r1_severity"] == "warning"
