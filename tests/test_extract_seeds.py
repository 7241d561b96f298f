"""The five real seeds through `extract_path`: every truth figure, blank and metadata field, exactly."""

import json

import pytest
from conftest import CORPUS, TRUTH

from nianbao.extract import extract_path

SEEDS = [t["file"] for t in json.loads(TRUTH.read_text(encoding="utf-8"))]


def _norm(s):
    return "".join(str(s or "").split())


@pytest.fixture(scope="module")
def results():
    return {name: extract_path(CORPUS / name) for name in SEEDS}


@pytest.mark.parametrize("name", SEEDS)
def test_every_truth_figure_is_extracted_with_its_value(name, results, seed_truth):
    out = results[name]
    assert out["status"] == "ok"
    got = {(f["table"], f["row"], f["column"]): f for f in out["figures"] if f["mapped"]}
    for want in seed_truth[name]["figures"]:
        key = (want["table"], want["row"], want["column"])
        assert key in got, f"missing {key}"
        assert got[key]["value"] == want["value"], key
        assert got[key]["approximate"] == want.get("approximate", False), key


@pytest.mark.parametrize("name", SEEDS)
def test_blank_cells_stay_blank(name, results, seed_truth):
    got = {(f["table"], f["row"], f["column"]): f for f in results[name]["figures"]}
    for b in seed_truth[name].get("blank", []):
        f = got[(b["table"], b["row"], b["column"])]
        assert f["value"] is None and f["raw"] == ""


@pytest.mark.parametrize("name", SEEDS)
def test_no_template_cell_beyond_the_truth(name, results, seed_truth):
    t = seed_truth[name]
    known = {(f["table"], f["row"], f["column"]) for f in t["figures"]} | {
        (b["table"], b["row"], b["column"]) for b in t.get("blank", [])
    }
    tables = {k[0] for k in known} - {"prose_metrics"}
    extra = [
        f for f in results[name]["figures"] if f["table"] in tables and (f["table"], f["row"], f["column"]) not in known
    ]
    assert extra == []


@pytest.mark.parametrize("name", SEEDS)
def test_metadata_matches_the_truth(name, results, seed_truth):
    want, got = seed_truth[name]["report"], results[name]["report"]
    assert got["report_year"] == want["report_year"]
    assert got["template"] == want["template"]
    names = [want["agency"], *want.get("agency_aliases", [])]
    assert any(_norm(n) in _norm(got["agency"]) or _norm(got["agency"]) in _norm(n) for n in names)
    accepted = want["published_on"] if isinstance(want["published_on"], list) else [want["published_on"]]
    assert got["published_on"] in accepted
    for level, place in want["region"].items():
        if place:
            assert got["region"][level] == place


@pytest.mark.parametrize("name", SEEDS)
def test_every_figure_has_provenance(name, results):
    out = results[name]
    assert len(out["sha256"]) == 64
    for f in out["figures"]:
        loc = f["location"]
        assert loc["char_span"] or loc["table_index"] is not None


def test_region_code_resolved_from_place_names(results):
    assert results["002_e30e2049e38d0093.txt"]["report"]["region"]["code"] == "370826"  # 微山县
    assert results["004_7f3569336a1c441f.txt"]["report"]["region"]["code"] == "320685"  # 海安 → 海安市


def test_seed_002_findings_are_the_ones_a_reader_sees(results):
    rules = [f["rule"] for f in results["002_e30e2049e38d0093.txt"]["findings"]]
    assert rules.count("O10") == 3  # 42 on 一、, 22 on (二), 0.5万元 on 九、
    assert "O8" in rules  # 6 normative documents disclosed > 1 issued
    assert "R8" in rules  # prose 42余条 vs table 20
    header_values = [f for f in results["002_e30e2049e38d0093.txt"]["figures"] if not f["mapped"]]
    assert sorted(f["raw"] for f in header_values) == ["0.5万元", "22", "42"]


def test_clean_seeds_have_no_error_findings(results):
    for name in (
        "000_a398e2631a481769.txt",
        "001_773fcdd6e0159df3.txt",
        "003_f29a9ed548c71819.txt",
        "004_7f3569336a1c441f.txt",
    ):
        assert [f for f in results[name]["findings"] if f["severity"] == "error"] == [], name
