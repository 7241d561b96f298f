"""The cross-report rules R5–R7 are lines of the rule catalogue like the per-report ones: R7's tolerance raised on
its one line of spec/rule_relations.csv and R6's severity raised on its one line of spec/rules.csv, the warehouse
(int_rule_failures__cross_year, rpt_rule_failures) and the generator's series (nianbao.synth.series) both follow."""

import pytest
from test_rule_catalogue_one_change import before_and_after

from nianbao import rules
from nianbao.synth.corpus import render_txt
from nianbao.synth.series import cross_broken, generate_series

CROSS = ("R5", "R6", "R7")


def series_breaking_r6_and_r7():
    """A generated body's five years that break R6 and R7 on purpose (no copied table), with its clean figures."""
    for b in range(200):
        specs, clean = generate_series(13, b, break_rate=0.6)
        broken = {r for s in specs for r in s.violations}
        if {"R6", "R7"} <= broken and "X_COPY" not in broken:
            return specs, clean
    raise RuntimeError("no series breaking R6 and R7")


def pairs(specs, clean):
    """(this year's figures, template, last year's figures, template) of each consecutive pair."""
    return [
        (clean[s.report_year][0], s.template, clean[p.report_year][0], p.template) for p, s in zip(specs, specs[1:])
    ]


def worst_residual(specs, clean, rule: str) -> float:
    """The largest |lhs − rhs| of the rule's instances over the series' pairs."""
    out = 0.0
    for cur, t, prev, tp in pairs(specs, clean):
        for r in rules.cross_relations(t, tp):
            got = rules.evaluate(rules.pair_values(cur, prev), r) if r.rule == rule else None
            out = max(out, abs(got[0] - got[1])) if got else out
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    specs, clean = series_breaking_r6_and_r7()

    def observe(p, result, files):
        warehouse = p.query(
            "select distinct rule_id, severity from marts.rpt_rule_failures where rule_id in ('R5', 'R6', 'R7')"
        )
        generator = {r for args in pairs(specs, clean) for r in cross_broken(*args)}
        return {"run_ok": result.success, "warehouse": set(warehouse), "generator": generator}

    r7_line = next(x for x in rules.catalogue_path().read_text(encoding="utf-8").splitlines() if x.startswith("R7,"))
    r7_start = r7_line.split(",every_cell,")[0]
    edits = [
        ("rule_relations.csv", r7_start, r7_start.rsplit(",", 1)[0] + f",{worst_residual(specs, clean, 'R7')}"),
        ("rules.csv", "R6,2021,cross_year,warning,", "R6,2021,cross_year,error,"),
    ]
    reports = {f"series_{s.report_year}.txt": render_txt(s) for s in specs}
    yield from before_and_after(tmp_path_factory.mktemp("one_change_cross"), reports, edits, observe)


def test_before_the_change_r6_and_r7_are_broken_warnings(runs):
    before, _ = runs
    assert before["run_ok"]
    assert {("R6", "warning"), ("R7", "warning")} <= before["warehouse"]
    assert {s for _, s in before["warehouse"]} == {"warning"}
    assert {"R6", "R7"} <= before["generator"]


def test_the_warehouse_follows(runs):
    before, after = runs
    assert after["run_ok"]
    assert ("R6", "error") in after["warehouse"] and "R7" not in {r for r, _ in after["warehouse"]}
    # the rule left alone is as it was
    assert {x for x in after["warehouse"] if x[0] == "R5"} == {x for x in before["warehouse"] if x[0] == "R5"}


def test_the_generator_follows(runs):
    before, after = runs
    assert after["generator"] == before["generator"] - {"R7"}
