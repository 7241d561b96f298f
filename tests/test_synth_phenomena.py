"""The real-world phenomena of the generator (nianbao.synth.phenomena): each appears in a corpus, its marker is in
the generated text, and the truth says what the text says (not a test of extraction accuracy)."""

import json
import re
from datetime import date

import pytest

from nianbao import codebook
from nianbao.synth import build_document, generate, synth_main, truth_entry
from nianbao.synth.check import broken_rules
from nianbao.synth.corpus import render_html, render_txt, write_corpus
from nianbao.synth.phenomena import (
    ANNOTATED,
    PHENOMENA,
    TYPOS,
    ZERO_PHRASES,
    apply_phenomena,
    template_for,
)
from nianbao.synth.printing import zh_date, zh_number
from nianbao.synth.tables import LEGAL_PERSON_COLUMNS
from nianbao.values import parse_value

T3, T4 = "t3_applications", "t4_review_litigation"
COLS = ("natural_person", *LEGAL_PERSON_COLUMNS, "total")
N = 24


def carriers(name: str, n: int = N, seed: int = 31) -> list:
    """(spec, text, truth) of the generated documents that carry `name`."""
    out = []
    for i in range(n):
        template = template_for(name, ("2019", "2021", "pre2019_table", "prose")[i % 4], i)
        spec = apply_phenomena(generate(seed, i, template), seed, i, wanted=[name])
        if name not in spec.phenomena:
            continue
        spec.file = f"{i:05d}.{spec.container or 'txt'}"
        data = render_html(spec) if spec.container == "html" else render_txt(spec)
        text = data.decode("gb18030" if spec.layout.encoding.startswith("gb") else "utf-8-sig").lstrip("\ufeff")
        out.append((spec, text, truth_entry(spec)))
    assert out, f"no document carries {name}"
    return out


def cells(entry: dict) -> dict:
    """(table, row, column) -> value for figures, None for blanks."""
    got = {(f["table"], f["row"], f["column"]): f["value"] for f in entry["figures"]}
    got.update({(b["table"], b["row"], b["column"]): None for b in entry["blank"]})
    return got


def printed(value) -> str:
    return "" if value is None else str(int(value)) if float(value).is_integer() else str(value)


def test_every_phenomenon_keeps_the_truth_exact():
    for name in PHENOMENA:
        for spec, _text, entry in carriers(name, 12):
            assert broken_rules(spec) == set(spec.violations), (name, spec.file)
            assert entry["phenomena"] == spec.phenomena and name in entry["phenomena"]


def test_classic_profile_changes_nothing_and_is_deterministic(tmp_path):
    spec = generate(3, 5)
    assert apply_phenomena(spec, 3, 5, "classic") is spec
    a, b = tmp_path / "a", tmp_path / "b"
    ta = write_corpus(a, 40, 9, ["txt", "html"], profile="real")
    write_corpus(b, 40, 9, ["txt", "html"], profile="real")
    assert all((a / t["file"]).read_bytes() == (b / t["file"]).read_bytes() for t in ta)
    assert all(t.get("phenomena") for t in ta)  # real: every document shows one
    assert not any("phenomena" in t for t in write_corpus(tmp_path / "c", 16, 9, ["txt"]))  # API default: classic


def test_default_profile_draws_phenomena_at_their_rates(tmp_path):
    truth = write_corpus(tmp_path / "a", 120, 4, ["txt"], profile="default", any_container=True)
    share = sum(1 for t in truth if t.get("phenomena")) / len(truth)
    assert 0.4 < share < 0.98
    formats = {t["file"].rsplit(".", 1)[1] for t in truth if "portal_metadata" in t.get("phenomena", [])}
    assert formats == {"html"}  # a portal page is written as HTML
    only_txt = write_corpus(tmp_path / "b", 60, 4, ["txt"], profile="default")  # formats asked for are kept
    assert {t["file"].rsplit(".", 1)[1] for t in only_txt} == {"txt"}


def test_cli_profile_and_phenomena(tmp_path):
    assert synth_main(["--out", str(tmp_path / "x"), "--count", "6", "--phenomena", "nosuch"]) == 2
    assert (
        synth_main(
            [
                "--out",
                str(tmp_path / "y"),
                "--count",
                "6",
                "--seed",
                "2",
                "--phenomena",
                "markdown_tables,crawler_header",
            ]
        )
        == 0
    )
    truth = json.loads((tmp_path / "y" / "truth.json").read_text(encoding="utf-8"))
    assert {p for t in truth for p in t.get("phenomena", [])} == {"markdown_tables", "crawler_header"}


# ---------------------------------------------------------------- template hybrids
def test_hybrid_prints_the_2019_other_row_coded_other_handling():
    for spec, text, entry in carriers("hybrid_2019_other_row"):
        assert entry["report"]["template"] == "2021" and "S1" in entry["violations"]
        assert "（六）其他处理" in text and "申请人逾期未按收费通知要求缴纳费用" not in text
        got = cells(entry)
        assert {c for (t, r, c) in got if r == "other_handling"} == set(COLS)
        assert not any(r.startswith("other_") and r != "other_handling" for (_t, r, _c) in got)
        leaves = [r.code for r in codebook.table("2021", T3).rows if r.parent and r.code != "total_handled"]
        for c in COLS:  # R3 holds with the 2019 row in place of the three 2021 rows
            assert (got[(T3, "total_handled", c)] or 0) == sum(
                got.get((T3, r, c)) or 0 for r in [*leaves, "other_handling"]
            )


def test_annotated_and_misprinted_labels_are_printed_and_coded_to_their_rows():
    for name, forms in (("annotated_labels", ANNOTATED), ("label_typos", TYPOS)):
        for spec, text, entry in carriers(name):
            overridden = {r: spec.label_override[(T3, r)] for r in forms if (T3, r) in spec.label_override}
            assert overridden
            for row, label in overridden.items():
                bare = "bare_denied_run" in spec.layout.quirks and row.startswith("denied_")  # labels not printed
                assert label in text or bare
                assert (T3, row, "total") in cells(entry)  # the truth keeps the row's cells


def test_renumbered_rows_come_in_another_order_with_the_truth_unchanged():
    for spec, text, entry in carriers("renumbered_rows"):
        ts = codebook.table(spec.template, T3)
        order = spec.row_order[T3]
        assert order != [r.code for r in ts.rows]
        section = text[text.index("申请人情况") :]
        stems = {
            r.code: re.sub(r"^\d+\.", "", r.label)
            for r in ts.rows
            if r.parent in ("denied", "unavailable", "not_processed", "other_handling") and len(r.label) > 6
        }
        if "bare_denied_run" in spec.layout.quirks:
            stems = {k: v for k, v in stems.items() if not k.startswith("denied_")}
        printed_order = sorted(stems, key=lambda code: section.index(stems[code]))
        assert printed_order == [c for c in order if c in stems]
        assert all((T3, code, "total") in cells(entry) for code in stems)


def test_missing_and_extra_rows():
    for spec, text, entry in carriers("missing_row"):
        assert "S1" in entry["violations"]
        for table, row in spec.missing_rows:
            label = next(r.label for r in codebook.table(spec.template, table).rows if r.code == row)
            assert label not in text and not any(k[1] == row for k in cells(entry))
    for spec, text, entry in carriers("extra_row"):
        for u in entry["unmapped"]:
            assert u["label"] in text and len(u["cells"]) == 7
            assert sum(map(int, u["cells"][:6])) == int(u["cells"][6])


def test_reordered_legal_person_columns_keep_each_value_under_its_header():
    for spec, _text, entry in carriers("t3_columns_reordered"):
        table = next(t for t in build_document(spec).tables if t.source == "synth:t3_applications")
        grid = table.grid()
        header = [t for t in grid[2] if t]
        order = list(spec.column_order)
        assert [h.replace("\n", "") for h in header] == [LEGAL_PERSON_COLUMNS[c] for c in order]
        new_row = next(r for r in grid if r[0] and r[0].startswith("一、"))
        values = [t for t in new_row[3:]]
        got = cells(entry)
        for col, text in zip(["natural_person", *order, "total"], values):
            assert parse_value(text).value == got[(T3, "new_received", col)] or (
                text == "" and got[(T3, "new_received", col)] is None
            )


# ---------------------------------------------------------------- flattened tables
def test_blank_marks_are_blanks_in_the_truth():
    for spec, _text, entry in carriers("blank_marks"):
        marked = {k for k, v in spec.raw.items() if v in ("/", "—", "-")}
        assert marked
        blanks = {(b["table"], b["row"], b["column"]) for b in entry["blank"]}
        assert marked <= blanks


def pipe_rows(text: str) -> list[list[str]]:
    return [
        [c.strip() for c in line.strip().strip("|").split("|")]
        for line in text.splitlines()
        if line.startswith("|") and not line.startswith("|---")
    ]


def test_markdown_tables_parse_back_to_the_truth():
    for spec, text, entry in carriers("markdown_tables"):
        assert text.startswith("# ") and ("|---|" in text) == (spec.template != "prose")
        if spec.template not in ("2019", "2021"):
            continue
        assert "数据1" in text or "本年新收件数" in text
        got = cells(entry)
        labels = {r.label.split("、", 1)[-1]: r.code for r in codebook.table(spec.template, T3).rows}
        labels.update(
            {spec.label_override.get((T3, r.code), r.label): r.code for r in codebook.table(spec.template, T3).rows}
        )
        checked = 0
        for row in pipe_rows(text):
            code = labels.get(row[0])
            if code and len(row) == 8:
                assert [printed(got[(T3, code, c)]) for c in COLS] == [
                    printed(parse_value(t).value) if t not in ("-", "—", "/", "－", "——") else "" for t in row[1:]
                ]
                checked += 1
        assert checked >= 5
        lines = text.splitlines()
        t4 = [
            pipe_rows(lines[i + 3])[0]
            for i, line in enumerate(lines)
            if line.startswith(("### 行政复议", "### 行政诉讼"))
        ]
        keys = [
            [(T4, r, c) for c in ("upheld", "corrected", "other_result", "pending", "total")]
            for r in ("administrative_review", "litigation_direct", "litigation_after_review")
        ]
        assert [[printed(got[k]) for k in row] for row in keys] == [
            ["" if t in ("", "-", "—", "/", "－", "——") else printed(parse_value(t).value) for t in r] for r in t4
        ]


def test_crawler_dump_is_one_line_and_its_undecidable_cells_are_doubtful():
    saw_doubt = saw_clear = False
    for spec, text, entry in carriers("crawler_dump", 48):
        head, _sep, body = text.partition("==================== 正文 ====================\n")
        assert head.startswith("标题: ") and body.count("\n") == 1
        if spec.template not in ("2019", "2021"):
            continue
        got = cells(entry)
        doubtful = {(d["table"], d["row"], d["column"]): d["value"] for d in entry.get("doubtful", [])}
        assert bool(doubtful) == (entry.get("tolerated_findings") == ["X_DOUBT"])
        for r in codebook.table(spec.template, T3).rows:
            keys = [(T3, r.code, c) for c in (COLS[0], *(spec.column_order or LEGAL_PERSON_COLUMNS), "total")]
            m = re.search(re.escape(spec.label_override.get((T3, r.code), r.label)) + r"([\d ]+)", body)
            digits = m.group(1).replace(" ", "")
            values = [doubtful.get(k, got.get(k)) for k in keys]
            assert digits.startswith("".join(printed(v) for v in values))
            if keys[0] in doubtful:  # fused and not one digit a cell: more than one split
                assert len("".join(printed(v) for v in values)) != len(keys) and " " * 6 not in m.group(1)
                saw_doubt = True
            else:
                assert all(v is not None for v in values)
                saw_clear = True
    assert saw_doubt and saw_clear


def test_pipe_rows_in_html_paragraphs_carry_the_values():
    for spec, text, entry in carriers("pipe_rows_in_html_p"):
        assert "<table" not in text.split("TRS_Editor")[-1] or "<p>" in text
        m = re.search(r"<p>一、本年新收政府信息公开申请数量 \| ([^<]*)</p>", text)
        got = cells(entry)
        values = [t.strip() for t in m.group(1).split("|")]
        assert [printed(got[(T3, "new_received", c)]) for c in COLS] == [
            "" if t in ("", "-", "—", "/", "－", "——") else printed(parse_value(t).value) for t in values
        ]


def test_t4_as_one_run_of_fifteen_numbers():
    for spec, text, entry in carriers("t4_header_run"):
        got = cells(entry)
        keys = [
            (T4, r, c)
            for r in ("administrative_review", "litigation_direct", "litigation_after_review")
            for c in ("upheld", "corrected", "other_result", "pending", "total")
        ]
        runs = [line.split(" ") for line in text.splitlines() if len(line.split(" ")) == 15]
        assert any(
            [printed(got[k]) for k in keys]
            == ["" if t in ("-", "—", "/", "－", "——") else printed(parse_value(t).value) for t in run]
            for run in runs
        )


# ---------------------------------------------------------------- metadata placements
def date_paragraphs(text: str, d: date) -> bool:
    return f"{d.year}年{d.month}月{d.day}日" in text or zh_date(d) in text


def test_portal_fields_meta_tags_and_crawler_headers_carry_the_date():
    for spec, text, entry in carriers("portal_metadata"):
        d = date.fromisoformat(entry["report"]["published_on"])
        assert f"发布机构：</td><td>{spec.page['publisher']}" in text and d.isoformat() in text
        assert (
            not date_paragraphs(text, d)
            or "signature_only" in spec.phenomena
            or "zh_date_under_title" in spec.phenomena
        )
    for spec, text, entry in carriers("meta_tags"):
        d = entry["report"]["published_on"]
        assert f'<meta name="PubDate" content="{d} ' in text and "xxgk-meta" not in text
    for spec, text, entry in carriers("crawler_header"):
        lines = text.splitlines()
        assert lines[0].startswith("标题: ") and lines[1].startswith(f"发布时间: {entry['report']['published_on']} ")
        publisher = lines[3].removeprefix("发布机构: ")
        assert publisher == entry["report"]["agency"] or entry["report"]["agency"] in lines[0]


def test_chinese_date_under_title_and_signature_only():
    for spec, text, entry in carriers("zh_date_under_title"):
        assert zh_date(date.fromisoformat(entry["report"]["published_on"])) in spec.body[1][1]
    for spec, text, entry in carriers("signature_only"):
        agency = entry["report"]["agency"]
        assert agency not in spec.body[0][1]
        tail = [t for k, t in spec.body if k == "p"]
        at = tail.index(agency)
        assert at > 1 and date_paragraphs(tail[at + 1], spec.published_on)


def test_ocr_misprint_of_the_place_name():
    for spec, text, entry in carriers("ocr_place_misprint", 48):
        real = entry["report"]["agency_aliases"][0]
        assert entry["report"]["agency"] in text and real not in text
        assert entry["report"]["region"]["county"] or entry["report"]["region"]["city"]


# ---------------------------------------------------------------- prose phrasing
def prose(entry: dict) -> dict:
    return {f["row"]: f for f in entry["figures"] if f["table"] == "prose_metrics"}


def test_prose_zeros_in_words_numerals_and_approximations():
    phrases = [p.split("{")[-1].split("}")[-1][:6] for ps in ZERO_PHRASES.values() for p in ps]
    for spec, text, entry in carriers("prose_zero_phrasing"):
        changed = [
            m
            for m in ZERO_PHRASES
            if spec.sentences.get(m)
            and spec.sentences[m] in text
            and any(spec.sentences[m].endswith(p.format(y=spec.report_year, we="")[-8:]) for p in ZERO_PHRASES[m])
        ]
        assert changed and all(prose(entry)[m]["value"] == 0 for m in changed) and phrases
    for spec, text, entry in carriers("prose_chinese_numerals"):
        assert any(zh_number(int(f["value"])) in text for f in prose(entry).values() if f["value"])
    for spec, text, entry in carriers("prose_approximate"):
        f = prose(entry)["proactive_disclosed"]
        n = printed(f["value"])
        assert f.get("approximate") and any(w in text for w in (f"{n}余", f"约{n}", f"{n}多"))


def test_traditional_mirror_and_distractors():
    for spec, text, entry in carriers("traditional_chars"):
        assert re.search("[請復開報]", text) and entry["report"]["agency_aliases"][-1] in text
    for spec, text, entry in carriers("distractors"):
        assert re.search(r"索引号：\d+/\d{4}-\d{5}", text)
        for m in re.finditer(r"累计主动公开政府信息(\d+)条", text):
            assert int(m.group(1)) != prose(entry).get("proactive_disclosed", {}).get("value")


def test_one_paragraph_township_names_no_county():
    for spec, text, entry in carriers("one_paragraph_township", 96):
        assert entry["report"]["region"] == {"province": None, "city": None, "county": None}
        assert spec.region.county not in text and len([b for b in spec.body if b[0] == "p"]) <= 3
        assert entry["report"]["agency"].endswith(("镇", "乡"))


def test_early_publication_and_new_plus_carried_break_their_rules():
    for spec, text, entry in carriers("early_publication"):
        d = date.fromisoformat(entry["report"]["published_on"])
        assert d.year == entry["report"]["report_year"] and "R12" in entry["violations"] and "截止" in text
    for spec, text, entry in carriers("prose_new_plus_carried"):
        got = cells(entry)
        n = (got[(T3, "new_received", "total")] or 0) + got[(T3, "carried_over", "total")]
        assert prose(entry)["applications_received"]["value"] == n and "R8" in entry["violations"]
        assert f"共受理政府信息公开申请{n}件" in text


@pytest.mark.parametrize("name", sorted(PHENOMENA))
def test_each_phenomenon_appears_in_a_real_profile_corpus(name, real_corpus):
    assert name in real_corpus


@pytest.fixture(scope="module")
def real_corpus(tmp_path_factory):
    truth = write_corpus(tmp_path_factory.mktemp("real"), 400, 1, ["txt"], profile="real", any_container=True)
    return {p for t in truth for p in t.get("phenomena", [])}
