"""The review list through the warehouse: a cell whose primary reading is wrong lands in
marts.rpt_extraction_review with both readings; the seeds and the clean real reports add nothing to it."""

import json
import shutil
from pathlib import Path

import pytest
from pipeline_support import ROOT, failed_error_checks, make_pipeline

import nianbao.parse.document as parse_document_module
from nianbao import findings
from nianbao.extract import extract_bytes
from nianbao.synth.corpus import write_corpus

REAL = ROOT.parent / "shared" / "real"
CELL = ("t4_review_litigation", "administrative_review", "total")
PUBLISHER_ERROR = "000_huaian_hongze_2023.pdf"  # 表四 总计 printed 0 against non-zero parts (R4)


def misread(mp: pytest.MonkeyPatch, cell: tuple[str, str, str], delta: int) -> None:
    """Make the primary reading of one cell wrong by `delta` (the file is untouched), and judge the report again."""
    real = parse_document_module.parse_document

    def parse(doc):
        report = real(doc)
        for f in report.figures:
            if f.mapped and (f.table, f.row, f.column) == cell:
                f.value = (f.value or 0) + delta
        report.findings = findings.check(report)
        return report

    mp.setattr(parse_document_module, "parse_document", parse)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    gen = tmp_path_factory.mktemp("conf-gen")
    truth = write_corpus(gen, 4, 5, ["docx"], violation_rate=0)
    entry = next(t for t in truth if t["report"]["template"] in ("2019", "2021"))
    printed = next(f["value"] for f in entry["figures"] if (f["table"], f["row"], f["column"]) == CELL)
    mp = pytest.MonkeyPatch()

    def misread_one(ex: dict) -> dict:
        """The generated DOCX as a misaligned primary reading would give it (in this process, not a worker)."""
        if not ex["source"].endswith(entry["file"]):
            return ex
        with pytest.MonkeyPatch.context() as inner:
            misread(inner, CELL, delta=3)
            return extract_bytes(Path(ex["source"]).read_bytes(), ex["source"])

    p = make_pipeline(tmp_path_factory.mktemp("review") / "home", mp, corrupt=misread_one)
    shutil.copy(gen / entry["file"], p.raw / entry["file"])
    clean_real = []
    if (REAL / "truth.json").exists():
        clean_real = [
            t["file"] for t in json.loads((REAL / "truth.json").read_text(encoding="utf-8")) if not t["violations"]
        ]
        for name in [*clean_real, PUBLISHER_ERROR]:
            shutil.copy(REAL / name, p.raw / name)
    result = p.run()
    yield p, result, entry["file"], printed, clean_real
    mp.undo()


def test_the_run_succeeds_with_the_review_models_tested(built):
    p, result, *_ = built
    assert result.success and failed_error_checks(result) == []
    assert p.query("select count(*) from raw.extraction_checks")[0][0] > 0


def test_the_misread_cell_is_the_only_row_of_the_review_list(built):
    p, _, name, printed, _ = built
    rows = p.query(
        "select source_path, cell_key, verdict, rule_ids, primary_value, second_value, second_reading, "
        "why, table_index, second_location_json from marts.rpt_extraction_review where source_path = ?",
        [name],
    )  # the marts' paths are relative to the raw dir
    assert len(rows) == 1
    path, key, verdict, rules, primary, second, reading, why, table_index, second_loc = rows[0]
    assert path.endswith(name) and key == "/".join(CELL) and verdict == "disagree"
    assert "R4" in rules.split(",")
    assert (primary, second, reading) == (printed + 3, printed, "docx_text_stream")
    assert table_index is not None and "token_index" in json.loads(second_loc)
    assert f"reads {printed:g}" in why or f"reads {printed}" in why


def test_a_publisher_error_is_checked_but_not_in_the_review_list(built):
    p, _, _, _, clean_real = built
    if not clean_real:
        pytest.skip("../shared/real is absent")
    r4 = p.query(
        "select distinct rule_verdict, verdict, reading from raw.extraction_checks e "
        "join raw.reports r using (report_id) where r.source_path like ? and rule_id = 'R4'",
        [f"%/{PUBLISHER_ERROR}"],
    )
    assert r4 == [("agree", "agree", "pdf_words")]
    assert (
        p.query(
            "select count(*) from marts.rpt_extraction_review where source_path = ? "
            "and list_contains(string_split(rule_ids, ','), 'R4')",
            [PUBLISHER_ERROR],
        )[0][0]
        == 0
    )


def test_seeds_and_clean_real_reports_add_nothing_to_the_review_list(built):
    p, _, name, _, clean_real = built
    quality = dict(
        p.query("select regexp_extract(source_path, '[^/]+$'), n_cells_in_review from marts.rpt_report_quality")
    )
    seeds = [f.name for f in (ROOT / "samples" / "corpus").iterdir()]
    assert all(quality[s] == 0 for s in seeds)
    assert all(quality[r] == 0 for r in clean_real)
    assert quality[name] == 1
    # a seed's failed rules were checked, but plain text has no second reading: unavailable, not in doubt
    seed = next((ROOT / "samples" / "corpus").glob("002_*")).name  # the 统计表 seed: O6, O8, O10, R8 fail
    seed_checks = p.query(
        "select distinct verdict, reading from raw.extraction_checks e "
        "join raw.reports r using (report_id) where r.source_path like ?",
        [f"%/{seed}"],
    )
    assert seed_checks == [("unavailable", None)]


def test_report_quality_carries_the_confidence_summary(built):
    p, _, name, _, _ = built
    rows = p.query(
        "select n_cells_located, n_cells_inferred, n_cells_blank, identities_hold "
        "from marts.rpt_report_quality where source_path like ?",
        [f"%{name}"],
    )
    located, inferred, blank, holds = rows[0]
    assert located > 100 and inferred >= 0 and blank >= 0 and holds is False
