"""Extraction confidence: cells located/inferred/blank, template identities, and the second reading's verdict on
the cells of each failed rule (agree = publisher error, disagree = extraction doubt, unavailable)."""

import json
from pathlib import Path

import pytest

import nianbao.parse.document as parse_document_module
from nianbao import findings
from nianbao.confidence.cells import classify
from nianbao.document import Document, Paragraph, Table
from nianbao.extract import extract_bytes, extract_path
from nianbao.frames import extraction_frames
from nianbao.report import Figure, Report, location
from nianbao.synth.corpus import write_corpus

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "real"
needs_real = pytest.mark.skipif(not (REAL / "truth.json").exists(), reason="../shared/real is absent")


def real_truth() -> list[dict]:
    return json.loads((REAL / "truth.json").read_text(encoding="utf-8"))


def misread(mp: pytest.MonkeyPatch, cell: tuple[str, str, str], delta: int = 1) -> None:
    """Make the primary reading of one cell wrong by `delta` (and judge the report again), as a misaligned
    table reader would; the file itself is untouched, so a second reading sees the printed value."""
    real = parse_document_module.parse_document

    def parse(doc):
        report = real(doc)
        for f in report.figures:
            if f.mapped and (f.table, f.row, f.column) == cell:
                f.value = (f.value or 0) + delta
        report.findings = findings.check(report)
        return report

    mp.setattr(parse_document_module, "parse_document", parse)


def in_doubt(ex: dict) -> list[tuple]:
    """(rule, table, row, column, primary, second) of every cell the second reading disagrees on."""
    return [
        (ch["rule"], c["table"], c["row"], c["column"], c["primary"], c["second"])
        for ch in ex["confidence"]["checks"]
        for c in ch["cells"]
        if c["verdict"] == "disagree"
    ]


def review_rows(ex: dict) -> list[dict]:
    """The raw.extraction_checks rows that rpt_extraction_review lists (disagree or doubt)."""
    frame = extraction_frames([ex], "test", __import__("datetime").datetime.now())["extraction_checks"]
    return [r for r in frame.to_dicts() if r["verdict"] in ("disagree", "doubt")]


# ---------- real reports ----------


@needs_real
def test_a_printed_total_of_0_against_non_zero_parts_is_a_publisher_error_by_word_positions():
    ex = extract_path(REAL / "000_huaian_hongze_2023.pdf")
    conf = ex["confidence"]
    assert conf["second_reading"] == "pdf_words"
    assert conf["identities"]["R4"] == {"holds": False, "failed": 2}
    r4 = [ch for ch in conf["checks"] if ch["rule"] == "R4"]
    assert {ch["cells"][0]["row"] for ch in r4} == {"administrative_review", "litigation_after_review"}
    for ch in r4:
        assert ch["verdict"] == "agree" and ch["reading"] == "pdf_words"
        cells = {c["column"]: c for c in ch["cells"]}
        assert cells["total"]["primary"] == cells["total"]["second"] == 0
        parts = sum(cells[k]["second"] for k in ("upheld", "corrected", "other_result", "pending"))
        assert parts > 0
        assert all(c["verdict"] == "agree" and c["second_location"]["page"] == 4 for c in ch["cells"])
    # the word-position reading reads the 表四 value row: 10 维持 and 1 纠正 under 行政复议
    review = (
        {c["column"]: c["second"] for c in r4[0]["cells"]}
        if r4[0]["cells"][0]["row"] == "administrative_review"
        else {c["column"]: c["second"] for c in r4[1]["cells"]}
    )
    assert (review["upheld"], review["corrected"]) == (10, 1)


@needs_real
def test_the_review_list_is_empty_on_the_clean_real_reports():
    clean = [t["file"] for t in real_truth() if not t["violations"]]
    assert len(clean) >= 3
    for name in clean:
        ex = extract_path(REAL / name)
        assert ex["status"] == "ok", name
        conf = ex["confidence"]
        assert conf["cells_in_doubt"] == 0 and in_doubt(ex) == [] and conf["doubts"] == [], name
        assert review_rows(ex) == [], name


@needs_real
def test_rows_missing_are_the_rows_s1_reports_and_every_row_printed_is_counted():
    for t in real_truth():
        ex = extract_path(REAL / t["file"])
        rows = ex["confidence"]["rows"]
        s1 = [f for f in ex["findings"] if f["rule"] == "S1"]
        assert rows["missing"] == (len(s1[0]["cells"]) if s1 else 0), t["file"]
        printed = {(f["table"], f["row"]) for f in ex["figures"] if f["mapped"]}
        assert rows["located"] + rows["inferred"] + rows["blank"] == len(printed), t["file"]


@needs_real
def test_a_misread_pdf_cell_disagrees_with_the_word_positions_and_only_that_cell(monkeypatch):
    name = next(t["file"] for t in real_truth() if not t["violations"] and t["file"].endswith(".pdf"))
    truth = next(t for t in real_truth() if t["file"] == name)
    printed = next(
        f["value"]
        for f in truth["figures"]
        if (f["table"], f["row"], f["column"]) == ("t3_applications", "new_received", "total")
    )
    misread(monkeypatch, ("t3_applications", "new_received", "total"), delta=1)
    ex = extract_path(REAL / name)
    # R1 and R2 break, and R8 (the prose states the printed count)
    assert {ch["rule"] for ch in ex["confidence"]["checks"]} == {"R1", "R2", "R8"}
    assert set(in_doubt(ex)) == {
        (rule, "t3_applications", "new_received", "total", printed + 1, printed) for rule in ("R1", "R2", "R8")
    }
    assert all(ch["verdict"] == "disagree" for ch in ex["confidence"]["checks"])
    assert ex["confidence"]["cells_in_doubt"] == 1
    rows = review_rows(ex)
    assert {(r["row_code"], r["column_code"], r["primary_value"], r["second_value"]) for r in rows} == {
        ("new_received", "total", printed + 1, printed)
    }
    assert all(r["page"] is not None and r["second_location"] for r in rows)


# ---------- generated HTML and DOCX: the plain text stream as the second reading ----------


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, list[dict]]:
    out = tmp_path_factory.mktemp("conf-gen")
    return out, write_corpus(out, 12, 5, ["html", "docx"], violation_rate=0)


@pytest.mark.parametrize("suffix", [".html", ".docx"])
def test_a_misread_cell_disagrees_with_the_text_stream(generated, monkeypatch, suffix):
    out, truth = generated
    cell = ("t4_review_litigation", "administrative_review", "total")
    done = 0
    for entry in truth:
        if not entry["file"].endswith(suffix) or entry["report"]["template"] not in ("2019", "2021"):
            continue
        printed = next(f["value"] for f in entry["figures"] if (f["table"], f["row"], f["column"]) == cell)
        data = (out / entry["file"]).read_bytes()
        assert extract_bytes(data, entry["file"])["confidence"]["checks"] == [], entry["file"]
        with monkeypatch.context() as mp:
            misread(mp, cell, delta=2)
            ex = extract_bytes(data, entry["file"])
        rules = [ch["rule"] for ch in ex["confidence"]["checks"]]
        assert "R4" in rules and set(rules) <= {"R4", "R8"}, entry["file"]  # R8 when the prose states the count
        check = next(ch for ch in ex["confidence"]["checks"] if ch["rule"] == "R4")
        assert check["verdict"] == "disagree" and check["reading"] == f"{suffix[1:]}_text_stream"
        assert sorted(in_doubt(ex)) == sorted((rule, *cell, printed + 2, printed) for rule in rules), entry["file"]
        assert [c["verdict"] for c in check["cells"]].count("agree") == 4
        done += 1
    assert done >= 2


def test_injected_publisher_errors_agree_in_html_and_docx(tmp_path):
    truth = write_corpus(tmp_path, 40, 3, ["html", "docx"], violation_rate=1.0)
    verdicts = {}
    for entry in truth:
        ex = extract_path(tmp_path / entry["file"])
        for ch in ex["confidence"]["checks"]:
            verdicts.setdefault(ch["verdict"], []).append((entry["file"], ch["rule"]))
    assert "disagree" not in verdicts, verdicts.get("disagree")
    assert len(verdicts.get("agree", [])) >= 20


# ---------- seeds ----------


def test_seeds_have_nothing_in_doubt_and_text_has_no_second_reading(corpus_dir, seed_truth):
    for path in sorted(corpus_dir.iterdir()):
        ex = extract_path(path)
        conf = ex["confidence"]
        assert conf["cells_in_doubt"] == 0 and review_rows(ex) == [], path.name
        assert conf["second_reading"] is None  # plain text: the text is the only reading
        assert all(ch["verdict"] == "unavailable" for ch in conf["checks"])
        rules = [f["rule"] for f in ex["findings"] if f["rule"] not in ("S1", "R12")]
        assert [ch["rule"] for ch in conf["checks"]] == rules, path.name
        mapped = [f for f in ex["figures"] if f["mapped"]]
        c = conf["cells"]
        assert c["located"] + c["inferred"] + c["blank"] == len(mapped), path.name
        said = [f for f in mapped if f["kind"] == "none_word"]
        assert sorted((x["row"], x["why"]) for x in conf["inferred_cells"] if x["why"] == "stated_in_words") == sorted(
            (f["row"], "stated_in_words") for f in said
        ), path.name


def test_seed_002_identities_name_the_legacy_rules_that_fail(corpus_dir):
    ex = extract_path(next(corpus_dir.glob("002_*")))
    ids = ex["confidence"]["identities"]
    assert ids["O6"] == {"holds": False, "failed": 1} and ids["O8"]["holds"] is False
    assert ids["O1"]["holds"] is True and ex["confidence"]["identities_hold"] is False


# ---------- located / inferred on a built document ----------


def test_a_cell_in_a_row_labelled_for_another_row_is_inferred_by_position():
    t = Table.from_rows(
        [
            [("一、本年新收政府信息公开申请数量", 1, 1), ("3", 1, 1)],
            [("某个未知的行", 1, 1), ("4", 1, 1)],
            [("5", 1, 1), ("6", 1, 1)],
        ]
    )
    doc = Document.from_blocks([Paragraph("报告"), t])
    cell = {c.text: c for c in t.cells}

    def fig(row: str, text: str, label: str) -> Figure:
        c = cell[text]
        return Figure(
            "t3_applications",
            row,
            "total",
            int(text),
            text,
            location(None, t.index, c.row, c.col, c.char_span),
            label=label,
        )

    fused = Paragraph("本年新收 0 00")
    doc2 = Document.from_blocks([fused])
    start = fused.char_span[0] + len("本年新收 0 ")
    cut = Figure(
        "t3_applications",
        "new_received",
        "research_institution",
        0,
        "0",
        location(None, None, None, None, (start, start + 1)),
        label="一、本年新收政府信息公开申请数量",
    )
    split = classify(doc2, Report(template="2021", figures=[cut]))
    assert [x["why"] for x in split["inferred_cells"]] == ["split_from_printed_text"]  # one 0 of a fused "00"
    report = Report(
        template="2021",
        figures=[
            fig("new_received", "3", "一、本年新收政府信息公开申请数量"),  # its own label: located
            fig("carried_over", "4", "二、上年结转政府信息公开申请数量"),  # another label's row: by position
            fig("granted", "6", "（一）予以公开"),  # a row of values only: placed by the header, located
            Figure("t3_applications", "total_handled", "total", None, "", location(None, t.index, 2, 0, None)),
        ],
    )
    got = classify(doc, report)
    assert (got["located"], got["inferred"], got["blank"]) == (2, 1, 1)
    assert [(x["row"], x["why"]) for x in got["inferred_cells"]] == [("carried_over", "by_position")]


def test_a_doubt_the_parser_records_is_carried_to_the_review_rows(corpus_dir, monkeypatch):
    """Findings X_DOUBT… (a cell the text cannot decide, e.g. fused digits) are doubts whatever a reading says."""
    from nianbao.report import Finding, location_json

    real = parse_document_module.parse_document

    def parse(doc):
        report = real(doc)
        f = next(f for f in report.figures if f.table == "t3_applications" and f.row == "new_received")
        report.findings.append(
            Finding(
                "X_DOUBT",
                "warning",
                "“00” could be 0 | 0 or 00",
                [
                    {
                        "table": f.table,
                        "row": f.row,
                        "column": f.column,
                        "value": f.value,
                        "location": location_json(f.location),
                    }
                ],
            )
        )
        return report

    monkeypatch.setattr(parse_document_module, "parse_document", parse)
    ex = extract_path(next(corpus_dir.glob("004_*")))  # the 2019-template seed
    conf = ex["confidence"]
    assert [d["rule"] for d in conf["doubts"]] == ["X_DOUBT"] and conf["cells_in_doubt"] == 1
    assert conf["checks"] == []  # a doubt is not a failed rule to read twice
    (row,) = review_rows(ex)
    assert (row["verdict"], row["rule_id"], row["table_code"], row["row_code"]) == (
        "doubt",
        "X_DOUBT",
        "t3_applications",
        "new_received",
    )
    assert row["finding_seq"] == len(ex["findings"]) - 1 and row["char_start"] is not None


def test_seeds_published_as_html_and_docx_agree_on_their_publisher_errors(corpus_dir, seed_truth):
    """The seeds as portal HTML (gb18030) and DOCX: the 统计表 seed's O6/O8 breaks are read the same by the text
    stream (publisher errors), and nothing is in doubt."""
    from nianbao.render.docx import render_docx
    from nianbao.render.html import render_html
    from nianbao.synth.seeds import seed_spec
    from nianbao.synth.tables import build_document

    agreed = []
    for name, truth in seed_truth.items():
        doc = build_document(seed_spec((corpus_dir / name).read_bytes(), truth))
        for fmt, data in (
            ("html", render_html(doc, encoding="gb18030", charset_label="gb2312")),
            ("docx", render_docx(doc)),
        ):
            ex = extract_bytes(data, f"{name}.{fmt}")
            conf = ex["confidence"]
            assert conf["cells_in_doubt"] == 0 and review_rows(ex) == [], (name, fmt)
            for ch in conf["checks"]:
                if ch["rule"] in ("O6", "O8"):  # 工作人员数 ≠ 专职 + 兼职; 主动公开规范性文件 6 > 制发 1
                    assert ch["verdict"] == "agree", (name, fmt, ch)
                    agreed.append((name, fmt, ch["rule"]))
    assert sorted({(fmt, rule) for _, fmt, rule in agreed}) == [
        ("docx", "O6"),
        ("docx", "O8"),
        ("html", "O6"),
        ("html", "O8"),
    ]


@needs_real
def test_the_second_reading_alone_reads_the_real_tables_as_the_truth():
    """The word positions (PDF) and the text stream (HTML) read 表三/表四 without the table reader: every cell
    they give is the hand-checked value, and they give at least 90% of the cells."""
    from nianbao.confidence.second_reading import open_reading, read_cells
    from nianbao.readers.sniff import sniff_format

    tables = ("t3_applications", "t4_review_litigation")
    checked = 0
    for t in real_truth():
        if t["report"]["template"] not in ("2019", "2021") or not t["file"].endswith((".pdf", ".html")):
            continue
        truth = {(f["table"], f["row"], f["column"]): f["value"] for f in t["figures"] if f["table"] in tables}
        truth |= {(b["table"], b["row"], b["column"]): None for b in t.get("blank", []) if b["table"] in tables}
        data = (REAL / t["file"]).read_bytes()
        got = read_cells(open_reading(data, sniff_format(data, t["file"])), t["report"]["template"], set(tables))
        for (table, row, col), read in got.items():
            # a 2019 single （六）其他处理 row printed in a 2021 表三: the truth codes it other_handling
            key = (
                (table, "other_handling", col)
                if row == "other_other" and (table, row, col) not in truth
                else (table, row, col)
            )
            assert key in truth and truth[key] == read.value, (t["file"], key, read)
        assert len(got) >= 0.9 * len(truth), (t["file"], len(got), len(truth))
        checked += 1
    assert checked >= 4
