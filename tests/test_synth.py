"""Tests of the synthetic corpus generator (nianbao.synth)."""

import json
from pathlib import Path

import pytest

from nianbao import codebook, rules
from nianbao.synth import build_document, generate, render_text, synth_main, truth_entry
from nianbao.synth.check import broken_rules
from nianbao.synth.layouts import encode
from nianbao.synth.model import Layout
from nianbao.synth.places import gazetteer
from nianbao.synth.violations import TABLE_RULES
from nianbao.values import parse_value

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SEED_004 = SEEDS / "004_7f3569336a1c441f.txt"
APPLICANTS = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other_org",
)


def specs(n=240, rate=0.35, seed=7):
    return [generate(seed, i, violation_rate=rate) for i in range(n)]


def independent_rules(entry: dict) -> set[str]:
    """Arithmetic rules re-derived from a truth entry alone (its written figures, not the spec the generator holds):
    the catalogue's relations (nianbao.rules: R8's prose against the table included) and R9."""
    v = {(f["table"], f["row"], f["column"]): f["value"] for f in entry["figures"]}
    out = set()
    for rel in rules.relations(entry["report"]["template"]):
        sums = rules.evaluate(v, rel)
        if sums is not None and not rules.holds(rel.relation, rel.tolerance, sums[0] - sums[1]):
            out.add(rel.rule)
    for f in entry["figures"]:
        if f["table"] == "prose_metrics":
            continue
        amount = f["column"] in ("procurement_amount", "fee_amount") or f["row"] in (
            "fees_collected",
            "special_funding",
        )
        if (f["value"] < 0 and f["column"] != "change") or (not amount and f["value"] != int(f["value"])):
            out.add("R9")
    return out


ARITHMETIC = {"R1", "R2", "R3", "R4", "R8", "R9", "O1", "O2", "O3", "O4", "O5", "O6", "O7", "O8"}


def test_rules_hold_unless_a_violation_was_injected():
    for spec in specs():
        entry = truth_entry(spec)
        assert broken_rules(spec) == set(spec.violations)
        assert independent_rules(entry) == set(spec.violations) & ARITHMETIC, (spec.violations, entry["file"])


@pytest.mark.parametrize("template", ["2019", "2021", "pre2019_table", "prose"])
def test_each_injected_rule_breaks_exactly_itself(template):
    seen = {}
    for i in range(600):
        spec = generate(11, i, template=template, violation_rate=1.0)
        if len(spec.violations) == 1:
            seen.setdefault(spec.violations[0], spec)
    assert set(seen) == set(TABLE_RULES[template])
    for rule, spec in seen.items():
        entry = truth_entry(spec)
        assert independent_rules(entry) == {rule} & ARITHMETIC
        assert broken_rules(spec) == {rule}
        if rule == "S1":
            assert spec.missing_rows
        if rule == "O10":
            text = render_text(spec)
            label, (unit_cell, value_cell) = next(iter(spec.header_values.items()))
            assert (unit_cell or value_cell) in text


def test_every_codebook_cell_is_a_figure_or_blank():
    for spec in specs(120):
        entry = truth_entry(spec)
        have = {
            (f["table"], f["row"], f["column"])
            for f in entry["figures"] + entry["blank"]
            if f["table"] != "prose_metrics"
        }
        want = {
            (ts.table, r, c)
            for ts in codebook.tables(spec.template)
            for r, c in ts.cells()
            if (ts.table, r) not in spec.missing_rows
        }
        assert have == want
        assert bool(spec.missing_rows) == ("S1" in spec.violations)


def test_printed_cells_follow_the_value_conventions():
    kinds = set()
    for spec in specs(300):
        for ts in codebook.tables(spec.template):
            for r, c in ts.cells():
                key = (ts.table, r, c)
                if (ts.table, r) in spec.missing_rows:
                    continue
                parsed = parse_value(spec.printed(key))
                kinds.add(parsed.kind)
                assert parsed.value == spec.figures.get(key), (key, spec.printed(key))
    assert {"blank", "dash", "none_word", "number", "signed", "zh_numeral"} <= kinds


def table_lines(text: str) -> list[str]:
    """The flattened tables of a TAB layout: from the first TAB line to the last, prose dropped, blank runs merged."""
    lines = text.splitlines()
    idx = [i for i, line in enumerate(lines) if line.startswith("\t")]
    out = []
    for line in lines[idx[0] : idx[-1] + 1]:
        if not line.startswith("\t") and len(line.strip()) > 8:
            continue
        if line == "" and out and out[-1] == "":
            continue
        out.append(line)
    return out


def zero_2019_tab_spec():
    spec = generate(3, 0, template="2019", style="tab", violation_rate=0)
    spec.figures = {(ts.table, r, c): 0 for ts in codebook.tables("2019") for r, c in ts.cells()}
    spec.raw, spec.missing_rows, spec.variant = {}, set(), "national"
    spec.layout = Layout(style="tab", quirks=frozenset(), split_header_words=True, vertical_text=True)
    return spec


@pytest.mark.skipif(not SEED_004.exists(), reason="seed 004 not available")
def test_tab_layout_reproduces_seed_004_tables():
    ours = table_lines(render_text(zero_2019_tab_spec()))
    seed = table_lines(SEED_004.read_text(encoding="utf-8"))
    assert ours == seed


def test_tab_layout_prints_vertical_text_and_split_header_words():
    text = render_text(zero_2019_tab_spec())
    assert "\t三\n\n、\n\n本\n\n年\n\n度\n\n办\n\n理\n\n结\n\n果\n\t（一）予以公开" in text
    assert "\t商业\n\n企业\n\t科研\n\n机构" in text
    assert "\n\n\t第二十条第（一）项\n\n\t信息内容\n" in text


def test_document_tables_have_the_template_spans():
    doc = build_document(zero_2019_tab_spec())
    t2, t3, t4 = doc.tables
    assert (t2.n_rows, t2.n_cols) == (18, 4)
    assert (t3.n_rows, t3.n_cols) == (26, 10)
    assert (t4.n_rows, t4.n_cols) == (4, 15)
    note = next(c for c in t3.cells if c.text.startswith("（本列数据的勾稽关系"))
    assert (note.row, note.col, note.rowspan, note.colspan) == (0, 0, 3, 3)
    legal = next(c for c in t3.cells if c.text == "法人或其他组织")
    assert legal.colspan == 5
    vertical = next(c for c in t3.cells if c.text.startswith("三\n、"))
    assert vertical.rowspan == 20
    denied = next(c for c in t3.cells if c.text == "（三）不予公开")
    assert (denied.rowspan, denied.col) == (8, 1)
    assert [c.text for c in t4.rows()[3]] == ["0"] * 15
    assert [c.colspan for c in t4.rows()[0]] == [5, 10]


def test_2021_tables_differ_from_2019_as_the_template_does():
    spec = generate(5, 1, template="2021", violation_rate=0)
    t2, t3, t4 = build_document(spec).tables
    texts = {c.text for c in t2.cells}
    assert {"本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额（单位：万元）"} <= texts
    assert "第二十条第（九）项" not in texts
    other = next(c for c in t3.cells if c.text == "（六）其他处理")
    assert other.rowspan == 3
    assert t3.n_rows == 28  # 26 in 2019, plus two rows for the split （六）


def test_hubei_variant_adds_the_extra_row_and_annotations():
    for i in range(3000):
        spec = generate(2, i, template="2019", violation_rate=0)
        if spec.variant == "hubei":
            break
    else:
        pytest.fail("no Hubei variant generated")
    texts = [c.text for c in build_document(spec).tables[0].cells]
    assert "其他主动公开文件" in texts
    assert "规章(设区的市、自治州人民政府应提供相关数据)" in texts
    assert any(t.startswith("本年增/减(指") for t in texts)


def render_with(quirks, style, template="2019", seed=9, index=2):
    spec = generate(seed, index, template=template, style=style, violation_rate=0)
    spec.missing_rows = set()
    spec.layout = Layout(style=style, quirks=frozenset(quirks), split_header_words=False, vertical_text=False)
    return spec, render_text(spec)


def test_pipe_layout_keeps_empty_trailing_cells_and_truncates_headers():
    spec, text = render_with({"truncated_headers"}, "pipe")
    assert "第二十条第（一）项 | | | |" in text
    assert "信息内容 | 本年新 | 本年新 | 对外公开总数量 |" in text
    assert "\n| | 2.其他法律行政法规禁止公开 |" in text


def test_lines_layout_one_cell_per_line_blank_cells_empty():
    spec = zero_2019_tab_spec()
    spec.layout = Layout(style="lines", split_header_words=False, vertical_text=False)
    spec.figures[("t3_applications", "granted", "natural_person")] = None
    lines = render_text(spec).splitlines()
    i = lines.index("（一）予以公开")
    assert lines[i + 1 : i + 8] == ["", "0", "0", "0", "0", "0", "0"]
    assert not any("\t" in line or "|" in line for line in lines)


def test_mixed_layout_splits_header_words_with_a_space():
    spec, text = render_with({"space_split_headers"}, "mixed")
    assert "本年新 制作数量" in text and "\t" in text


def test_bare_denied_run_loses_the_sub_row_labels():
    spec, text = render_with({"bare_denied_run"}, "lines")
    lines = text.splitlines()
    i = lines.index("（三）不予公开")
    assert "1.属于国家秘密" not in text and "8.属于行政查询事项" not in text
    run = lines[i + 1 : i + 57]
    want = [
        spec.printed(("t3_applications", r.code, c.code))
        for r in codebook.table("2019", "t3_applications").rows
        if r.parent == "denied"
        for c in codebook.table("2019", "t3_applications").columns
    ]
    assert run == want and lines[i + 57] == "（四）无法提供"


def test_note_ahead_and_page_break_with_repeated_header():
    spec, text = render_with({"note_ahead", "page_break", "repeat_header"}, "pipe")
    lines = text.splitlines()
    note = next(i for i, line in enumerate(lines) if line.startswith("（本列数据的勾稽关系"))
    assert lines[note + 1].startswith("|") and "申请人情况" in lines[note + 1]
    page = lines.index(f"- {spec.layout.page_number} -")
    assert "申请人情况" in lines[page + 1]


def test_encodings_round_trip():
    text = render_text(zero_2019_tab_spec())
    assert encode(text, "gbk").decode("gbk") == text
    assert encode(text, "utf-8-sig").startswith(b"\xef\xbb\xbf")
    assert encode(text, "gb18030-bom").decode("gb18030") == "\ufeff" + text


def test_places_are_real_and_nested():
    names, counties = gazetteer()
    assert names["370826"] == "微山县" and names["370800"] == "济宁市"
    for spec in specs(60):
        r = spec.region
        assert names[r.code[:2] + "0000"] == r.province
        assert names[r.code[:4] + "00"] == r.city
        if r.county:
            assert names[r.code] == r.county


def test_years_templates_and_dates():
    for spec in specs(200):
        y, t = spec.report_year, spec.template
        assert {"2019": 2019 <= y <= 2020, "2021": y >= 2021, "pre2019_table": 2014 <= y <= 2018, "prose": y <= 2018}[t]
        if spec.published_on and "R12" not in spec.violations:
            assert spec.published_on.year == y + 1


def test_generation_is_deterministic(tmp_path):
    """The same seed gives the same bytes (its speed is bench/bench_synth.py's: 2,000 documents a minute)."""
    assert synth_main(["--out", str(tmp_path / "a"), "--count", "100", "--seed", "4"]) == 0
    assert synth_main(["--out", str(tmp_path / "b"), "--count", "100", "--seed", "4"]) == 0
    for f in (tmp_path / "a").iterdir():
        assert f.read_bytes() == (tmp_path / "b" / f.name).read_bytes()


def test_synth_main_writes_a_truth_file_in_the_seed_format(tmp_path):
    assert synth_main(["--out", str(tmp_path), "--count", "32", "--seed", "1"]) == 0
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    assert len(truth) == 32 and all((tmp_path / t["file"]).exists() for t in truth)
    assert {t["report"]["template"] for t in truth} == {"2019", "2021", "pre2019_table", "prose"}
    assert {t["file"].split("_")[-1].split(".")[0] for t in truth} == {"tab", "pipe", "lines", "mixed"}
    for t in truth:
        required = {"file", "report", "figures", "blank", "violations", "expected_findings"}
        assert required <= set(t) <= required | {"phenomena", "doubtful", "tolerated_findings", "unmapped"}
        assert ("tolerated_findings" in t) == ("doubtful" in t)
        assert set(t["report"]) == {"agency", "agency_aliases", "region", "report_year", "template", "published_on"}
        assert set(t["report"]["region"]) == {"province", "city", "county"}
    assert synth_main(["--out", str(tmp_path), "--count", "1", "--formats", "nosuch"]) == 2


def test_prose_states_table_figures_unless_r8():
    for spec in specs(200):
        text = render_text(spec)
        if spec.template == "prose":
            continue
        if "R8" not in spec.violations:
            truth_entry(spec)
            assert "R8" not in broken_rules(spec)
        for row, (value, approx) in spec.prose_metrics.items():
            if row == "proactive_disclosed" and not approx:
                assert f"{value}条" in text or "条" in text


def test_html_and_docx_formats_render_the_same_specs(tmp_path):
    assert synth_main(["--out", str(tmp_path), "--count", "8", "--seed", "3", "--formats", "html,docx"]) == 0
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    assert {Path(t["file"]).suffix for t in truth} == {".html", ".docx"}
    docx = next(t for t in truth if t["file"].endswith(".docx"))
    assert (tmp_path / docx["file"]).read_bytes()[:2] == b"PK"
