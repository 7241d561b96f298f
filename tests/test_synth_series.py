"""Tests of the multi-year series generator (nianbao.synth.series): chains hold, breaks are exactly the truth's."""

import json

from nianbao.synth import synth_main
from nianbao.synth.check import broken_rules
from nianbao.synth.series import YEARS, cross_broken, generate_series, template_of


def test_a_clean_series_chains_carry_over_and_stocks():
    specs, clean = generate_series(5, 0, break_rate=0.0)
    assert [s.report_year for s in specs] == list(YEARS)
    assert [s.template for s in specs] == ["2019", "2019", "2021", "2021", "2021"]
    assert len({(s.agency, s.region.code) for s in specs}) == 1
    for prev, cur in zip(YEARS, YEARS[1:]):
        f, g = clean[prev][0], clean[cur][0]
        assert cross_broken(g, template_of(cur), f, template_of(prev)) == {}
        for c in ("natural_person", "total"):
            assert (g.get(("t3_applications", "carried_over", c)) or 0) == (
                f.get(("t3_applications", "carried_forward", c)) or 0
            )
    assert all(not s.violations and not broken_rules(s) for s in specs)


def test_injected_breaks_are_listed_on_the_later_report_and_nothing_else_breaks():
    others, seen = [], set()
    for b in range(12):
        specs, clean = generate_series(9, b, break_rate=0.6, others=others)
        others.append(clean)
        for k, s in enumerate(specs):
            assert not broken_rules(s)  # every report is consistent on its own
            if k == 0:
                assert s.violations == []
                continue
            y, p = s.report_year, s.report_year - 1
            cross = set(cross_broken(clean[y][0], s.template, clean[p][0], template_of(p)))
            assert set(s.violations) - {"X_COPY"} == cross
            seen |= set(s.violations)
    assert seen == {"R5", "R6", "R7", "X_COPY"}


def test_synth_series_flag_writes_truth_with_cross_report_details(tmp_path):
    assert synth_main(["--out", str(tmp_path), "--count", "2", "--seed", "1", "--series"]) == 0
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    assert len(truth) == 2 * len(YEARS)
    assert all((tmp_path / e["file"]).exists() and "cross_report" in e for e in truth)
    for e in truth:
        assert sorted(d["rule"] for d in e["cross_report"]) == sorted(e["violations"])
