"""Metadata, prose figures and the report/not-a-report decision on the real reports of ../shared/real (skipped when absent)."""

import json
from pathlib import Path

import pytest

from nianbao.extract import extract_path
from nianbao.regions import towns

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "real"

pytestmark = pytest.mark.skipif(not (REAL / "truth.json").exists(), reason="../shared/real is not in this checkout")


def _truth() -> list[dict]:
    return json.loads((REAL / "truth.json").read_text(encoding="utf-8")) if (REAL / "truth.json").exists() else []


@pytest.fixture(scope="module")
def outputs() -> dict[str, dict]:
    return {t["file"]: extract_path(REAL / t["file"]) for t in _truth()}


def _norm(s) -> str:
    return "".join(str(s or "").split())


FILES = [t["file"] for t in _truth()]
TRUTH = {t["file"]: t for t in _truth()}


@pytest.mark.parametrize("name", FILES)
def test_every_real_report_is_read_as_a_report(outputs, name):
    assert outputs[name]["status"] == "ok", outputs[name]["error"]


@pytest.mark.parametrize("name", FILES)
def test_body_year_and_publication_date(outputs, name):
    want, got = TRUTH[name]["report"], outputs[name]["report"]
    names = [want["agency"], *want.get("agency_aliases", [])]
    agency = _norm(got["agency"])
    assert agency and any(_norm(n) in agency or agency in _norm(n) for n in names), got["agency"]
    assert got["report_year"] == want["report_year"]
    accepted = want["published_on"] if isinstance(want["published_on"], list) else [want["published_on"]]
    assert got["published_on"] in accepted


@pytest.mark.parametrize("name", FILES)
def test_region(outputs, name):
    """Every level the truth names; a township that names no county needs the gazetteer that `make towns` builds."""
    want, got = TRUTH[name]["report"]["region"], outputs[name]["report"]["region"]
    if not towns() and not got["province"] and TRUTH[name]["report"]["agency"].endswith(("镇", "乡", "街道")):
        pytest.skip("township gazetteer not built (make towns)")
    for level, value in want.items():
        if value:
            assert got[level] and (_norm(value) in _norm(got[level]) or _norm(got[level]) in _norm(value)), (level, got)


@pytest.mark.parametrize("name", FILES)
def test_prose_metrics(outputs, name):
    got = {f["row"]: f for f in outputs[name]["figures"] if f["table"] == "prose_metrics"}
    for f in TRUTH[name]["figures"]:
        if f["table"] != "prose_metrics":
            continue
        assert f["row"] in got, f
        assert got[f["row"]]["value"] == f["value"], (f, got[f["row"]])
        assert got[f["row"]]["approximate"] == f.get("approximate", False)
        assert got[f["row"]]["location"]["char_span"], "every prose figure says where it was read"


def test_a_report_published_before_its_year_ended_is_flagged(outputs):
    early = [n for n, t in TRUTH.items() if "R12" in t.get("violations", [])]
    assert early
    for name in early:
        assert "R12" in {f["rule"] for f in outputs[name]["findings"]}
    for name, t in TRUTH.items():
        if "R12" not in t.get("violations", []):
            assert "R12" not in {f["rule"] for f in outputs[name]["findings"]}, name


def test_the_real_folders_readme_is_not_a_report():
    out = extract_path(REAL / "README.md")
    assert out["status"] == "error" and out["error"]["kind"] == "NotAnAnnualReport"
