"""The official statistics tables as `nianbao.document.Table`s with the spans the templates print, and the document."""

from typing import NamedTuple

from nianbao import codebook, eras
from nianbao.document import Document, Paragraph, Table

from .model import ReportSpec

Row = list[tuple[str, int, int]]  # (text, rowspan, colspan) as Table.from_rows takes them

NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
OUTCOMES = "三、本年度办理结果"
ART20 = {
    "art20_1": "第二十条第（一）项",
    "art20_5": "第二十条第（五）项",
    "art20_6": "第二十条第（六）项",
    "art20_8": "第二十条第（八）项",
    "art20_9": "第二十条第（九）项",
}
GROUP_LABEL = {
    "denied": "（三）不予公开",
    "unavailable": "（四）无法提供",
    "not_processed": "（五）不予处理",
    "other_handling": "（六）其他处理",
}
APPLICANTS = ("自然人", "法人或其他组织", "总计")
LEGAL_PERSONS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
T4_RESULTS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
# long labels as a narrow Word cell wraps them (seed 004)
WRAPPED = {"5.要求行政机关确认或重新出具已获取信息": "5.要求行政机关确认或重新\n出具已获取信息"}
EXTRA_HUBEI_ROW = "其他主动公开文件"
# 统计表 section-header rows (no value in the template) and the codebook row they precede
LEGACY_HEADERS = {
    "proactive_total": "一、主动公开情况",
    "channel_gazette": "（二）通过不同渠道和方式公开政府信息的情况",
    "hotspot_responses": "二、回应解读情况",
    "press_conferences": "（二）通过不同渠道和方式回应解读的情况",
    "applications_received": "三、依申请公开情况",
    "dedicated_units": "九、机构建设和保障经费情况",
    "meetings": "十、政府信息公开会议和培训情况",
}


def split_word(text: str, on: bool) -> str:
    """Header words as a narrow Word cell wraps them: 商业企业 -> 商业\\n企业, 社会公益组织 -> 社会\\n公益\\n组织."""
    if not on or len(text) < 4:
        return text
    return "\n".join(text[i : i + 2] for i in range(0, len(text), 2))


def hubei_label(label: str, year: int) -> str:
    """The annotated labels of the Hubei 表二."""
    notes = {
        "规章": "(设区的市、自治州人民政府应提供相关数据)",
        "规范性文件": "(指各行政机关印发的有正式文号的文件)",
        "上一年项目数量": f"(指{year - 1}年事项数)",
        "本年增/减": f"(指{year}年增加或减少的事项数,减用负值表示,如-8)",
        "处理决定数量": f"(指{year}年办件量)",
    }
    return label + notes.get(label, "")


def t2_table(spec: ReportSpec) -> Table:
    """表二 主动公开政府信息情况: one 4-column table of sub-tables headed 第二十条第（X）项."""
    ts = codebook.table(spec.template, "t2_proactive")
    hubei = spec.variant == "hubei"
    lab = (lambda s: hubei_label(s, spec.report_year)) if hubei else (lambda s: s)
    rows: list[Row] = []
    for part in ART20:
        members = [r for r in ts.rows if r.parent == part and ("t2_proactive", r.code) not in spec.missing_rows]
        all_members = [r for r in ts.rows if r.parent == part]
        if not all_members:
            continue
        cols = ts.columns_for(all_members[0])
        rows.append([(ART20[part], 1, 4)])
        widths = [1] * (len(cols) - 1) + [4 - len(cols)]
        rows.append([("信息内容", 1, 1)] + [(lab(c.label), 1, w) for c, w in zip(cols, widths)])
        for r in members:
            rows.append(
                [(lab(r.label), 1, 1)]
                + [(spec.printed(("t2_proactive", r.code, c.code)), 1, w) for c, w in zip(cols, widths)]
            )
            if hubei and r.code == "normative_documents":
                rows.append([(EXTRA_HUBEI_ROW, 1, 1)] + [(str(v), 1, 1) for v in spec.hubei_extra])
    return Table.from_rows(rows, source="synth:t2_proactive")


class PrintedRow(NamedTuple):
    """One printed 表三 row: its codebook code (None for a row of no template), label, group and cells."""

    code: str | None
    label: str
    parent: str
    cells: list[str]


LEGAL_PERSON_COLUMNS = dict(
    zip(
        ("commercial_enterprise", "research_institution", "social_welfare_org", "legal_service_org", "other_org"),
        LEGAL_PERSONS,
    )
)
OTHER_2019 = ("other_handling", "（六）其他处理")


def t3_columns(spec: ReportSpec) -> list[str]:
    """The 表三 column codes in printed order (the 法人或其他组织 columns may be reordered)."""
    legal = list(spec.column_order) or list(LEGAL_PERSON_COLUMNS)
    return ["natural_person", *legal, "total"]


def t3_rows(spec: ReportSpec) -> list[PrintedRow]:
    """The 表三 rows as printed: template rows present, in the printed order, with printed labels, plus the
    2019 single （六）其他处理 row of a hybrid and rows of no template."""
    ts = codebook.table(spec.template, "t3_applications")
    cols = t3_columns(spec)
    rows = [
        PrintedRow(
            r.code,
            spec.label_override.get(("t3_applications", r.code), r.label),
            r.parent,
            [spec.printed(("t3_applications", r.code, c)) for c in cols],
        )
        for r in ts.rows
        if ("t3_applications", r.code) not in spec.missing_rows
    ]
    order = spec.row_order.get("t3_applications")
    if order:
        rows.sort(key=lambda r: order.index(r.code) if r.code in order else len(order))
    if ("t3_applications", OTHER_2019[0], "total") in spec.extra_cells:
        at = next(i for i, r in enumerate(rows) if r.code == "total_handled")
        cells = [spec.printed_extra(("t3_applications", OTHER_2019[0], c)) for c in cols]
        rows.insert(
            at,
            PrintedRow(
                OTHER_2019[0],
                spec.label_override.get(("t3_applications", OTHER_2019[0]), OTHER_2019[1]),
                "outcome",
                cells,
            ),
        )
    for table, after, label, cells in spec.extra_rows:
        if table == "t3_applications":
            at = next(i for i, r in enumerate(rows) if r.code == after) + 1
            parent = "outcome" if rows[at - 1].parent == "outcome" else ""
            rows.insert(at, PrintedRow(None, label, parent, list(cells)))
    return rows


def t3_table(spec: ReportSpec) -> Table:
    """表三 收到和处理政府信息公开申请情况: 3-row header, 3 label columns, 7 number columns."""
    lay = spec.layout
    present = t3_rows(spec)
    legal = [LEGAL_PERSON_COLUMNS[c] for c in t3_columns(spec)[1:-1]]
    rows: list[Row] = [
        [(NOTE, 3, 3), ("申请人情况", 1, 7)],
        [(APPLICANTS[0], 2, 1), ("法人或其他组织", 1, 5), (split_word("总计", lay.split_header_words), 2, 1)],
        [(split_word(w, lay.split_header_words), 1, 1) for w in legal],
    ]
    outcome = [r for r in present if r.parent in ("outcome", *GROUP_LABEL)]
    vertical = "\n".join(OUTCOMES) if lay.vertical_text else OUTCOMES
    seen_groups: set[str] = set()
    for r in present:
        values = [(v, 1, 1) for v in r.cells]
        head: Row = []
        if r is (outcome[0] if outcome else None):
            head.append((vertical, len(outcome), 1))
        if r.parent == "outcome":
            head.append((r.label, 1, 2))
        elif r.parent in GROUP_LABEL:
            if r.parent not in seen_groups:
                seen_groups.add(r.parent)
                n = sum(1 for x in present if x.parent == r.parent)
                head.append((GROUP_LABEL[r.parent], n, 1))
            head.append((WRAPPED.get(r.label, r.label) if lay.split_header_words else r.label, 1, 1))
        else:
            head.append((r.label, 1, 3))
        rows.append(head + values)
    return Table.from_rows(rows, source="synth:t3_applications")


def t4_table(spec: ReportSpec) -> Table:
    """表四 行政复议、行政诉讼: 2-level column header over one data row of 15 cells."""
    split = spec.layout.split_header_words
    results = [split_word(w, split) if len(w) == 4 else ("总\n计" if split else w) for w in T4_RESULTS]
    ts = codebook.table(spec.template, "t4_review_litigation")
    rows: list[Row] = [
        [("行政复议", 1, 5), ("行政诉讼", 1, 10)],
        [(w, 2, 1) for w in results] + [("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)],
        [(w, 1, 1) for w in results * 2],
        [(spec.printed(("t4_review_litigation", r.code, c.code)), 1, 1) for r in ts.rows for c in ts.columns],
    ]
    return Table.from_rows(rows, source="synth:t4_review_litigation")


def legacy_label(label: str, fullwidth: bool) -> str:
    """A 统计表 label in the document's punctuation: （一）/(一), 其中：/其中:, a space before long remarks."""
    for remark in ("（不同", "（不包括用于"):
        label = label.replace(remark, " " + remark)
    if not fullwidth:
        label = label.replace("（", "(").replace("）", ")").replace("：", ":")
    return label


def legacy_table(spec: ReportSpec) -> Table:
    """The pre-2019 政府信息公开情况统计表: 统计指标 | 单位 | 统计数, section rows without values."""
    fw = spec.layout.fullwidth_parens
    ts = codebook.table(eras.owner("legacy_stats"), "legacy_stats")
    rows: list[Row] = [[("统 计 指 标" if not fw else "统计指标", 1, 1), ("单位", 1, 1), ("统计数", 1, 1)]]
    for r in ts.rows:
        if r.code in LEGACY_HEADERS:
            label = legacy_label(LEGACY_HEADERS[r.code], fw)
            if LEGACY_HEADERS[r.code] in spec.header_values:
                unit_cell, value_cell = spec.header_values[LEGACY_HEADERS[r.code]]
                rows.append([(label, 1, 1), (unit_cell, 1, 1), (value_cell, 1, 1)])
            else:
                rows.append([(label, 1, 1), ("", 1, 2)])
        if ("legacy_stats", r.code) in spec.missing_rows:
            continue
        printed = spec.printed(("legacy_stats", r.code, "value"))
        if r.code in spec.unit_column_values:
            rows.append([(legacy_label(r.label, fw), 1, 1), (printed, 1, 1), ("", 1, 1)])
        else:
            rows.append([(legacy_label(r.label, fw), 1, 1), (r.unit, 1, 1), (printed, 1, 1)])
    return Table.from_rows(rows, source="synth:legacy_stats")


BUILDERS = {
    "t2_proactive": t2_table,
    "t3_applications": t3_table,
    "t4_review_litigation": t4_table,
    "legacy_stats": legacy_table,
}


def table_code(table: Table) -> str:
    """The codebook table a synthetic Table was built for ('' for others)."""
    return table.source.removeprefix("synth:") if table.source.startswith("synth:") else ""


def build_document(spec: ReportSpec) -> Document:
    """The report as paragraphs and tables in reading order (for any renderer: text, HTML, DOCX, PDF)."""
    blocks = []
    for kind, text in spec.body:
        blocks.append(BUILDERS[text](spec) if kind == "table" else Paragraph(text))
    return Document.from_blocks(blocks, format="synth")
