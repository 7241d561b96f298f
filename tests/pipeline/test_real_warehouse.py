"""The real reports of ../shared/real through the warehouse: every truth cell in marts.fct_report_figures and every
metadata field in marts.dim_reports, as the truth file states them (skipped when ../shared/real is absent)."""

import json
import re
import shutil

import pytest
from pipeline_support import ROOT, failed_error_checks, make_pipeline

REAL = ROOT.parent / "shared" / "real"
TRUTH = REAL / "truth.json"
pytestmark = pytest.mark.skipif(not TRUTH.exists(), reason="no ../shared/real in this checkout")


def _norm(text) -> str:
    """Names compared as the scorer compares them: whitespace and punctuation removed."""
    return re.sub(r"[\s\u3000（）()·.,，、]", "", str(text or ""))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    truth = json.loads(TRUTH.read_text(encoding="utf-8"))
    mp = pytest.MonkeyPatch()
    p = make_pipeline(tmp_path_factory.mktemp("real") / "home", mp)
    for f in p.raw.iterdir():
        f.unlink()
    for entry in truth:
        shutil.copy(REAL / entry["file"], p.raw / entry["file"])
    result = p.run()
    yield p, result, truth
    mp.undo()


def _by_file(p, sql: str) -> dict[str, list[tuple]]:
    out: dict[str, list[tuple]] = {}
    for row in p.query(sql):
        out.setdefault(row[0].rsplit("/", 1)[-1], []).append(row[1:])
    return out


def test_the_run_publishes(built):
    _, result, _ = built
    assert result.success and failed_error_checks(result) == []


def test_every_truth_cell_is_in_the_figures_mart(built):
    p, _, truth = built
    figures = _by_file(p, "select source_path, table_code, row_code, column_code, value from marts.fct_report_figures")
    wrong = []
    for entry in truth:
        have = {(t, r, c): v for t, r, c, v in figures.get(entry["file"], [])}
        assert have, f"{entry['file']}: no figures in the mart"
        for f in entry["figures"]:
            key = (f["table"], f["row"], f["column"])
            if key not in have or have[key] != pytest.approx(f["value"]):
                wrong.append((entry["file"], key, f["value"], have.get(key, "missing")))
        for b in entry.get("blank", []):
            key = (b["table"], b["row"], b["column"])
            if have.get(key, "missing") is not None:
                wrong.append((entry["file"], key, None, have.get(key, "missing")))
    assert wrong == []
    assert sum(len(e["figures"]) for e in truth) > 1000


def test_every_metadata_field_is_in_dim_reports(built):
    p, _, truth = built
    reports = _by_file(
        p,
        "select chosen_source_path, agency_name, report_year, template, "
        "cast(published_date as varchar), province, city, county from marts.dim_reports",
    )
    wrong = []
    for entry in truth:
        rows = reports.get(entry["file"])
        assert rows and len(rows) == 1, f"{entry['file']}: not the chosen report of its body and year"
        agency, year, template, published, *region = rows[0]
        want = entry["report"]
        names = [_norm(n) for n in [want["agency"], *want.get("agency_aliases", [])]]
        if not any(n in _norm(agency) or _norm(agency) in n for n in names):
            wrong.append((entry["file"], "agency", want["agency"], agency))
        if year != want["report_year"] or template != want["template"]:
            wrong.append((entry["file"], "year/template", (want["report_year"], want["template"]), (year, template)))
        accepted = want.get("published_on")
        if accepted and published not in (accepted if isinstance(accepted, list) else [accepted]):
            wrong.append((entry["file"], "published_on", accepted, published))
        for level, got in zip(("province", "city", "county"), region, strict=True):
            expected = (want.get("region") or {}).get(level)
            if expected and not (got and (_norm(expected) in _norm(got) or _norm(got) in _norm(expected))):
                wrong.append((entry["file"], level, expected, got))
    assert wrong == []


def test_every_violation_is_a_row_of_rpt_rule_failures(built):
    p, _, truth = built
    found = {
        (f, r) for f, r in p.query("select regexp_extract(source_path, '[^/]+$'), rule_id from marts.rpt_rule_failures")
    }
    expected = {(e["file"], v) for e in truth for v in e["violations"]}
    assert expected and expected <= found
