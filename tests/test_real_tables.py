"""Statistics tables as real publishers print them: template hybrids, misprinted or annotated labels, extra and
reordered rows, columns in another order, Markdown and '|' rows, blanks, and crawler dumps with fused cells.

Each class of phenomenon is tested on a small hand-written document built here (so the class is covered without
the real files), and the real reports of ../shared/real are checked cell by cell against their truth (skipped when
that folder is absent, as in a user's clone).
"""

import json
from pathlib import Path

import pytest

from nianbao import codebook
from nianbao.extract import extract_bytes
from nianbao.parse.fused import splits

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "real"
T3, T4 = "t3_applications", "t4_review_litigation"
HARD_FREE = ("R5", "R6", "R7", "R10", "R12")  # warnings the scorer never counts as false alarms


def _figs(out: dict) -> dict:
    return {(f["table"], f["row"], f["column"]): f["value"] for f in out["figures"]}


def _rules(out: dict) -> set[str]:
    return {f["rule"] for f in out["findings"]}


# ---------------------------------------------------------------------------------------------------------------
# a 2021 report written by hand, one knob per phenomenon


def _t3_rows() -> list[tuple[str, str]]:
    return [(r.code, r.label) for r in codebook.table("2021", T3).rows]


def _t3_values() -> dict[str, list[int]]:
    """Consistent 表三 numbers (R1–R3 hold): natural persons and commercial enterprises apply."""
    vals = {code: [0] * 7 for code, _ in _t3_rows()}
    for code, nat, com in (
        ("granted", 5, 1),
        ("partially_granted", 2, 0),
        ("denied_state_secret", 1, 0),
        ("denied_security_stability", 1, 0),
        ("unavailable_not_held", 3, 2),
        ("not_processed_repeated", 1, 0),
        ("other_other", 2, 1),
    ):
        vals[code] = [nat, com, 0, 0, 0, 0, nat + com]
    handled = [
        sum(
            v[i]
            for c, v in vals.items()
            if c not in ("new_received", "carried_over", "total_handled", "carried_forward")
        )
        for i in range(7)
    ]
    vals["total_handled"] = handled
    vals["carried_forward"] = [1, 0, 0, 0, 0, 0, 1]
    vals["carried_over"] = [2, 0, 0, 0, 0, 0, 2]
    vals["new_received"] = [handled[i] + vals["carried_forward"][i] - vals["carried_over"][i] for i in range(7)]
    return vals


T4_VALUES = {
    "administrative_review": [2, 1, 0, 0, 3],
    "litigation_direct": [1, 0, 0, 1, 2],
    "litigation_after_review": [0, 0, 0, 0, 0],
}
HEAD = (
    "| 申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |\n"
    "|---|---|---|---|---|---|---|---|\n"
)


def _report(t3_lines: list[str], head: str = HEAD, t4: str | None = None) -> str:
    """A 2021 report: title, 表二 as '|' rows, 表三 from the given lines, 表四 as three labelled rows."""
    if t4 is None:
        t4 = "\n".join(
            f"| {label} | " + " | ".join(map(str, T4_VALUES[code])) + " |"
            for code, label in (
                ("administrative_review", "行政复议"),
                ("litigation_direct", "未经复议直接起诉"),
                ("litigation_after_review", "复议后起诉"),
            )
        )
        t4 = "| 行政复议 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n" + t4
    return (
        "某县人民政府2023年政府信息公开工作年度报告\n\n二、主动公开政府信息情况\n\n"
        "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n| 规章 | 0 | 0 | 0 |\n"
        "| 行政规范性文件 | 3 | 1 | 12 |\n\n| 信息内容 | 本年处理决定数量 |\n| 行政许可 | 120 |\n"
        "| 行政处罚 | 45 |\n| 行政强制 | 2 |\n\n| 信息内容 | 本年收费金额（单位：万元） |\n| 行政事业性收费 | 1.5 |\n\n"
        "三、收到和处理政府信息公开申请情况\n\n"
        + head
        + "\n".join(t3_lines)
        + "\n\n四、政府信息公开行政复议、行政诉讼情况\n\n"
        + t4
        + "\n\n五、存在的主要问题及改进情况\n无。\n"
    )


def _pipe(label: str, vals: list) -> str:
    return f"| {label} | " + " | ".join(str(v) for v in vals) + " |"


def _t3_lines(vals: dict[str, list[int]], rows=None) -> list[str]:
    return [_pipe(label, vals[code]) for code, label in (rows or _t3_rows())]


def _assert_t3(figs: dict, vals: dict[str, list[int]], codes) -> None:
    cols = [c.code for c in codebook.table("2021", T3).columns]
    for code in codes:
        assert [figs.get((T3, code, c)) for c in cols] == vals[code], code


def test_clean_handwritten_report_is_read_whole():
    vals = _t3_values()
    out = extract_bytes(_report(_t3_lines(vals)).encode(), "clean.txt")
    assert out["report"]["template"] == "2021"
    figs = _figs(out)
    _assert_t3(figs, vals, vals)
    assert figs[(T4, "administrative_review", "total")] == 3
    assert not _rules(out) - set(HARD_FREE), out["findings"]


def test_2019_single_other_handling_row_in_a_2021_table_is_that_row_and_s1():
    vals = _t3_values()
    rows = [(c, lab) for c, lab in _t3_rows() if not c.startswith("other_")]
    at = [c for c, _ in rows].index("total_handled")
    rows.insert(at, ("other_handling", "（六）其他处理"))
    vals["other_handling"] = [
        a + b + c for a, b, c in zip(vals["other_no_correction"], vals["other_unpaid_fee"], vals["other_other"])
    ]
    out = extract_bytes(_report(_t3_lines(vals, rows)).encode(), "hybrid.txt")
    figs = _figs(out)
    _assert_t3(figs, vals, [c for c, _ in rows])
    assert not any(k[1].startswith("other_") and k[1] != "other_handling" for k in figs if k[0] == T3)
    s1 = [f for f in out["findings"] if f["rule"] == "S1"]
    assert s1 and {c["row"] for c in s1[0]["cells"]} == {
        f"{T3}/other_no_correction",
        f"{T3}/other_unpaid_fee",
        f"{T3}/other_other",
    }
    assert "R3" not in _rules(out)  # the single row counts in （七）总计


def test_misprinted_and_quoted_labels_land_on_their_rows_and_never_swallow_the_rest():
    vals = _t3_values()
    rows = [
        (
            c,
            {
                "denied_prohibited_by_law": "2.其他法律行政止公开",  # a character lost (real: 洪泽区 2023)
                "denied_security_stability": '3.危及"三安全一稳定"',
                "granted": "（一）予以公开（含部分）",
            }.get(c, lab),
        )
        for c, lab in _t3_rows()
    ]
    out = extract_bytes(_report(_t3_lines(vals, rows)).encode(), "typo.txt")
    figs = _figs(out)
    _assert_t3(figs, vals, vals)
    assert not [k for k in figs if k[0] == "unmapped"]
    assert "S1" not in _rules(out)


def test_a_row_matching_none_stays_unmapped_and_the_rows_after_it_land():
    vals = _t3_values()
    rows = _t3_rows()
    at = [c for c, _ in rows].index("denied_administrative_query") + 1
    lines = _t3_lines(vals, rows)
    lines.insert(at + 2, _pipe("9.属于外地机关职责范围", [4, 0, 0, 0, 0, 0, 4]))  # +2: the two rows above 表三's block
    out = extract_bytes(_report(lines).encode(), "extra.txt")
    figs = _figs(out)
    _assert_t3(figs, vals, vals)
    extra = [v for k, v in figs.items() if k[0] == "unmapped"]
    assert extra == [4, 0, 0, 0, 0, 0, 4]  # kept, never dropped, never mapped
    s1 = [f for f in out["findings"] if f["rule"] == "S1"]
    assert len(s1) == 1 and "属于外地机关职责范围" in s1[0]["message"]  # reported; no template row is missing


def test_rows_missing_or_out_of_order_land_on_their_own_rows():
    vals = _t3_values()
    rows = _t3_rows()
    codes = [c for c, _ in rows]
    i, j = codes.index("unavailable_not_held"), codes.index("unavailable_needs_creation")
    rows[i], rows[j] = rows[j], rows[i]
    rows = [r for r in rows if r[0] != "not_processed_publication"]
    out = extract_bytes(_report(_t3_lines(vals, rows)).encode(), "order.txt")
    figs = _figs(out)
    _assert_t3(figs, vals, [c for c, _ in rows])
    s1 = [f for f in out["findings"] if f["rule"] == "S1"]
    assert s1 and [c["row"] for c in s1[0]["cells"]] == [f"{T3}/not_processed_publication"]


def test_legal_person_columns_in_another_order_are_read_by_the_header():
    vals = _t3_values()
    head = (
        "| 申请人情况 | 自然人 | 科研机构 | 其他 | 商业企业 | 法律服务机构 | 社会公益组织 | 总计 |\n"
        "|---|---|---|---|---|---|---|---|\n"
    )
    perm = [0, 2, 5, 1, 4, 3, 6]  # printed column n holds template column perm[n]
    lines = [_pipe(label, [vals[code][k] for k in perm]) for code, label in _t3_rows()]
    out = extract_bytes(_report(lines, head=head).encode(), "columns.txt")
    figs = _figs(out)
    _assert_t3(figs, vals, vals)
    assert figs[(T3, "granted", "commercial_enterprise")] == 1
    assert not _rules(out) - set(HARD_FREE)


def test_markdown_t4_rows_as_headings_over_their_own_tables():
    vals = _t3_values()
    t4 = "\n\n".join(
        f"### {label}\n| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n|----------|----------|---|---|---|\n"
        + _pipe("", T4_VALUES[code])[4:]
        for code, label in (
            ("administrative_review", "行政复议"),
            ("litigation_direct", "行政诉讼（未经复议直接起诉）"),
            ("litigation_after_review", "行政诉讼（复议后起诉）"),
        )
    )
    out = extract_bytes(_report(_t3_lines(vals), t4=t4).encode(), "md.txt")
    figs = _figs(out)
    for code, want in T4_VALUES.items():
        assert [figs.get((T4, code, c)) for c in ("upheld", "corrected", "other_result", "pending", "total")] == want
    _assert_t3(figs, vals, vals)
    assert not [v for k, v in figs.items() if k[0] == "unmapped"]  # the header rules are no row of blanks


def test_t4_as_one_header_block_then_one_run_of_fifteen():
    vals = _t3_values()
    heads = "\n".join(
        [
            "行政复议",
            "行政诉讼",
            *["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"],
            "未经复议直接起诉",
            "复议后起诉",
            *(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2),
        ]
    )
    run = "\n".join(str(v) for code in T4_VALUES for v in T4_VALUES[code])
    out = extract_bytes(_report(_t3_lines(vals), t4=heads + "\n" + run).encode(), "t4run.txt")
    figs = _figs(out)
    for code, want in T4_VALUES.items():
        assert [figs.get((T4, code, c)) for c in ("upheld", "corrected", "other_result", "pending", "total")] == want


def test_pipe_rows_inside_html_paragraphs_are_table_rows():
    import html

    vals = _t3_values()
    text = _report(_t3_lines(vals))
    body = "".join(f"<p>{html.escape(line)}</p>\n" for line in text.split("\n"))
    page = f"<html><head><meta charset='utf-8'><title>年报</title></head><body>{body}</body></html>"
    out = extract_bytes(page.encode(), "p.html")
    figs = _figs(out)
    _assert_t3(figs, vals, vals)
    assert figs[(T4, "litigation_direct", "total")] == 2
    assert figs[("t2_proactive", "administrative_licensing", "decisions")] == 120


@pytest.mark.parametrize("blank", ["/", "—", "-", ""])
def test_blank_cells_are_never_numbers_and_never_shift_the_next_cells(blank):
    vals = _t3_values()
    lines = _t3_lines(vals)
    codes = [c for c, _ in _t3_rows()]
    n = codes.index("granted")
    printed = [blank if v == 0 else v for v in vals["granted"]]
    lines[n] = _pipe("（一）予以公开", printed)
    out = extract_bytes(_report(lines).encode(), "blank.txt")
    figs = _figs(out)
    cols = [c.code for c in codebook.table("2021", T3).columns]
    assert [figs.get((T3, "granted", c)) for c in cols] == [v if v else None for v in vals["granted"]]
    _assert_t3(figs, vals, [c for c in codes if c != "granted"])


# ---------------------------------------------------------------------------------------------------------------
# crawler dumps: the table on one line, adjacent cells fused


def _fused_report(vals: dict[str, list[int]], fuse) -> str:
    """表三 and 表四 flattened onto one line after some prose, each row's cells joined by `fuse`."""
    parts = [
        "某局2021年度政府信息公开工作年度报告 一、总体情况 本年主动公开政府信息198条。",
        (
            "二、主动公开政府信息情况 第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000"
            "行政规范性文件312第二十条第（五）项信息内容本年处理决定数量行政许可120第二十条第（六）项信息内容"
            "本年处理决定数量行政处罚45行政强制2第二十条第（八）项信息内容本年收费金额（单位：万元）行政事业性收费1.5 "
        ),
        "三、收到和处理政府信息公开申请情况 申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他",
    ]
    for code, label in _t3_rows():
        if code == "denied_state_secret":
            parts.append("（三）不予公开")
        parts.append(label + fuse(vals[code]))
    parts.append(
        "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉"
        "结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计 "
        + fuse([v for code in T4_VALUES for v in T4_VALUES[code]])
    )
    parts.append("五、存在的主要问题及改进情况 无。")
    return "标题: 某局2021年度政府信息公开工作年度报告\n==== 正文 ====\n" + "".join(parts) + "\n"


def test_fused_dump_splits_where_only_one_split_exists():
    vals = _t3_values()
    # the last two cells run together, as real dumps print them ("0 0 0 0 0 00")
    out = extract_bytes(
        _fused_report(vals, lambda v: " ".join(map(str, v[:-2])) + f" {v[-2]}{v[-1]}").encode(), "dump.txt"
    )
    assert out["report"]["template"] == "2021"
    figs = _figs(out)
    _assert_t3(figs, vals, vals)
    for code, want in T4_VALUES.items():
        assert [figs.get((T4, code, c)) for c in ("upheld", "corrected", "other_result", "pending", "total")] == want
    assert [figs[("t2_proactive", "normative_documents", c)] for c in ("issued", "repealed", "in_force")] == [3, 1, 2]
    assert figs[("t2_proactive", "administrative_fees", "fee_amount")] == 1.5
    assert "X_DOUBT" not in _rules(out)
    assert not _rules(out) - set(HARD_FREE)


def test_fused_digits_that_split_two_ways_are_a_doubt_not_a_guess():
    vals = _t3_values()
    vals["granted"] = [12, 1, 0, 0, 0, 0, 13]  # printed "121000013": 12|1|…|13, 1|21|…, 1|2|10|… all fit
    vals["new_received"] = [a + b for a, b in zip(vals["new_received"], [11, 0, 0, 0, 0, 0, 11])]
    vals["total_handled"] = [a + b for a, b in zip(vals["total_handled"], [11, 0, 0, 0, 0, 0, 11])]

    def fuse(v):
        return "".join(map(str, v)) if v == vals["granted"] else " ".join(map(str, v[:-2])) + f" {v[-2]}{v[-1]}"

    out = extract_bytes(_fused_report(vals, fuse).encode(), "dump2.txt")
    figs = _figs(out)
    assert not any(k[:2] == (T3, "granted") for k in figs)  # never guessed
    x_doubt = [f for f in out["findings"] if f["rule"] == "X_DOUBT"]
    assert len(x_doubt) == 1 and x_doubt[0]["cells"][0]["row"] == f"{T3}:granted"
    _assert_t3(figs, vals, [c for c, _ in _t3_rows() if c != "granted"])  # the rows after it still land


def test_splits_counts_every_reading():
    assert splits("0 0 0 0 0 00", 7) == [[(0, 1), (2, 3), (4, 5), (6, 7), (8, 9), (10, 11), (11, 12)]]
    assert len(splits("1000001", 7)) == 1  # leading zeros leave one reading
    assert len(splits("121", 2)) == 2  # 12|1 or 1|21
    assert splits("7816", 1) == [[(0, 4)]]
    assert splits("4068.208", 1) == [[(0, 8)]]
    assert splits("0 0", 3) == []  # too few digits: no reading


# ---------------------------------------------------------------------------------------------------------------
# the real reports


def _real_truth() -> list[dict]:
    return json.loads((REAL / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def real_outputs() -> dict[str, dict]:
    if not (REAL / "truth.json").exists():
        pytest.skip("../shared/real is absent")
    return {t["file"]: extract_bytes((REAL / t["file"]).read_bytes(), t["file"]) for t in _real_truth()}


def _real_files() -> list[str]:
    return [t["file"] for t in _real_truth()] if (REAL / "truth.json").exists() else ["absent"]


@pytest.mark.parametrize("name", _real_files())
def test_real_report_table_cells_are_right(real_outputs, name):
    truth = next(t for t in _real_truth() if t["file"] == name)
    out = real_outputs[name]
    figs = _figs(out)
    wrong = [
        (f["table"], f["row"], f["column"], f["value"], figs.get((f["table"], f["row"], f["column"]), "absent"))
        for f in truth["figures"]
        if f["table"] != "prose_metrics" and figs.get((f["table"], f["row"], f["column"]), "absent") != f["value"]
    ]
    assert not wrong, wrong[:10]
    tables = {f["table"] for f in truth["figures"]} - {"prose_metrics"}
    known = {(f["table"], f["row"], f["column"]) for f in truth["figures"] + truth.get("blank", [])}
    spurious = [k for k, v in figs.items() if k[0] in tables and k not in known and v is not None]
    assert not spurious, spurious[:10]
    assert out["report"]["template"] == truth["report"]["template"]


@pytest.mark.parametrize("name", _real_files())
def test_real_report_table_findings_are_the_published_ones(real_outputs, name):
    truth = next(t for t in _real_truth() if t["file"] == name)
    rules = _rules(real_outputs[name])
    expected = set(truth.get("violations", []))
    table_rules = {"R1", "R2", "R3", "R4", "S1", "X_DOUBT"}
    assert expected & table_rules <= rules
    assert not (rules & table_rules) - expected, real_outputs[name]["findings"]
