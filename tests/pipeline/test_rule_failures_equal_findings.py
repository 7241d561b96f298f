"""One rule, two evaluations, the same answer: on a generated corpus carrying every kind of per-report violation,
for every report and every within-report rule, the findings of `nianbao extract --json` equal the rows of
marts.rpt_rule_failures. The catalogue's rules (R1–R4, R8, O1–O8) are evaluated twice from nianbao/spec/rule_relations.csv
(by the extractor in Python, by the warehouse in SQL on the loaded figures); the others are loaded findings."""

import json
import subprocess

import pytest
from pipeline_support import ROOT, failed_error_checks, make_pipeline, synth_raw

from nianbao import rules

COUNT = 90  # seed 6, 9 documents in 10 breaking rules: R1–R4, R8, R9, R12, S1, O1–O8, O10 and doubts among them
PER_REPORT = {"R9", "R12", "S1", "O10"}  # the per-report rules outside the catalogue


def number(x):
    return None if x is None else float(x)


def cells_of(cells) -> frozenset:
    """A finding's cells: (table, row, column, value, char_start, char_end)."""
    return frozenset(
        (
            c.get("table"),
            c.get("row"),
            c.get("column"),
            number(c.get("value")),
            *((c.get("location") or {}).get("char_span") or (None, None)),
        )
        for c in cells
        if c.get("table")
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    p = make_pipeline(tmp_path_factory.mktemp("equal") / "home", mp)
    truth = synth_raw(
        p.raw,
        "--count",
        str(COUNT),
        "--seed",
        "6",
        "--formats",
        "txt,html",
        "--profile",
        "real",
        "--violation-rate",
        "0.9",
    )
    result = p.run()
    out = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "nianbao"), "extract", "--json", *sorted(str(f) for f in p.raw.iterdir())],
        capture_output=True,
        text=True,
    )
    extracted = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    yield p, result, truth, extracted
    mp.undo()


def from_cli(extracted) -> dict:
    """source file name -> sorted (rule, message, cells) of its findings (X_DOUBT doubts included)."""
    out = {}
    for ex in extracted:
        name = ex["source"].rsplit("/", 1)[1]
        out[name] = sorted((f["rule"], f["message"], cells_of(f.get("cells") or [])) for f in ex["findings"])
    return out


def from_warehouse(p) -> dict:
    """source file name -> sorted (rule, message, cells) of its per-report rows of rpt_rule_failures."""
    rows = p.query(
        "select regexp_extract(source_path, '[^/]+$'), failure_id, rule_id, message, table_code, "
        "row_code, column_code, value, char_start, char_end from marts.rpt_rule_failures "
        "where related_report_id is null "
        "and rule_id not in ('R5', 'R6', 'R7', 'X_COPY')"
    )
    by_failure: dict = {}
    for name, fid, rule, message, t, r, c, value, start, end in rows:
        key = (name, fid, rule, message)
        by_failure.setdefault(key, set())
        if t is not None:
            by_failure[key].add((t, r, c, number(value), start, end))
    out: dict = {}
    for (name, _fid, rule, message), cells in by_failure.items():
        out.setdefault(name, []).append((rule, message, frozenset(cells)))
    return {k: sorted(v) for k, v in out.items()}


def test_the_corpus_breaks_every_kind_of_rule(built):
    _, result, truth, extracted = built
    assert result.success and failed_error_checks(result) == []
    assert len(extracted) == COUNT and all(ex.get("report") for ex in extracted)
    injected = {v for e in truth for v in e["violations"]}
    assert set(rules.rule_ids()) | PER_REPORT <= injected, set(rules.rule_ids()) | PER_REPORT - injected
    found = {f["rule"] for ex in extracted for f in ex["findings"]}
    assert "R8" in rules.rule_ids() and set(rules.rule_ids()) | {"R9", "R12", "S1", "X_DOUBT"} <= found
    assert any(e.get("doubtful") for e in truth)  # an extraction doubt: the rules say nothing on its rows


def test_findings_of_extract_equal_the_rows_of_rpt_rule_failures(built):
    p, _, _, extracted = built
    cli, warehouse = from_cli(extracted), from_warehouse(p)
    assert sum(map(len, cli.values())) > COUNT // 2  # many findings, not a vacuous equality
    for name in sorted(cli):
        assert warehouse.get(name, []) == cli[name], name
    assert set(warehouse) <= set(cli)


def test_the_warehouse_evaluates_the_catalogue_itself(built):
    """The catalogue's rows of rpt_rule_failures come from the SQL residuals, not from the loaded findings."""
    p, _, _, _ = built
    detected = p.query(
        "select count(*), count(*) filter (where failure_id = md5('relation|' || f.report_id || '|' "
        "|| r.instance_id)) from marts.rpt_rule_failures f join intermediate.int_rule_residuals__per_report r "
        "on r.report_id = f.report_id and r.rule_id = f.rule_id and r.is_reported"
    )
    assert detected[0][0] > 0 and detected[0][1] > 0
    # R8 (a prose figure against its table figure) too: its rows are the residuals', none a loaded finding
    r8 = p.query(
        "select count(*), count(*) filter (where failure_id not in (select md5('relation|' || report_id || '|' || "
        "instance_id) "
        "from intermediate.int_rule_residuals__per_report where rule_id = 'R8' and is_reported)) "
        "from marts.rpt_rule_failures where rule_id = 'R8'"
    )[0]
    assert r8[0] > 0 and r8[1] == 0, r8
    evaluated = p.query(
        "select count(distinct report_id), count(*) filter (where not holds) "
        "from intermediate.int_rule_residuals__per_report"
    )[0]
    assert evaluated[0] >= COUNT // 2 and evaluated[1] > 0
