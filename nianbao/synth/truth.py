"""Truth entries in the format of spec/truth/seeds.json, and the value conventions the parser follows.

Value conventions (the printed cell -> the truth value):
- blank, '-', '—', '/', '－', '——' -> blank: listed under `blank` (the parser reports value null, raw ''/the dash);
- '无' -> 0;
- signed changes: '+2' -> 2, '-1' -> -1, '减4' -> -4;
- full-width digits '１２' -> 12; Chinese numerals '十二' -> 12, '一百零五' -> 105;
- a unit inside the cell is not applied: '251000元' -> 251000, '0.5万元' -> 0.5, '12.35' in a 万元 column -> 12.35;
- a value printed in the 单位 column of the 统计表 ('八、依申请公开信息收取的费用 | 0.5万元 | ') belongs to that row;
- a value printed on a 统计表 section-header row (一、主动公开情况 | 42) belongs to no codebook cell (rule O10);
- prose: '主动公开政府信息42余条' -> prose_metrics/proactive_disclosed = 42 with "approximate": true (also 约N, N多);
  '未收到…申请' -> applications_received 0; '未发生…行政复议、行政诉讼' -> administrative_reviews 0 and
  administrative_litigations 0; '不存在收费' / '未收取任何费用' -> fees_collected 0; '收取信息处理费N元' -> N.
In the rules a blank cell counts as 0 (blanks are only ever printed for zeros).
"""

from nianbao import codebook

from .model import ReportSpec
from .printing import zh_date

FINDING = {
    "R1": "表三: 第一项加第二项之和 ≠ 第三项加第四项之和 in some column",
    "R2": "表三: 总计 ≠ 自然人 + 法人或其他组织 in some row",
    "R3": "表三: （七）总计 ≠ the sum of the outcome rows in some column",
    "R4": "表四: 总计 ≠ 结果维持 + 结果纠正 + 其他结果 + 尚未审结",
    "R8": "a figure stated in the text differs from the table",
    "R9": "a count is negative or not a whole number",
    "R12": "published outside the legal window",
    "S1": "a row of the template is missing",
    "O10": "a section-header row of the 统计表 carries a value",
}


DOUBT = "X_DOUBT"


def published(spec: ReportSpec):
    if spec.published_on is None:
        return None
    dates = sorted({spec.published_on, *spec.published_also})
    return dates[0].isoformat() if len(dates) == 1 else [d.isoformat() for d in dates]


def _text_dated(spec: ReportSpec) -> bool:
    """Whether the report's own text writes its publication date (signature, the line under the title)."""
    d = spec.published_on
    forms = (f"{d.year}年{d.month}月{d.day}日", zh_date(d))
    return any(kind == "p" and any(f in text for f in forms) for kind, text, *_ in spec.body)


def truth_entry(spec: ReportSpec) -> dict:
    """One document of a truth file."""
    figures, blank, doubtful = [], [], []
    cells = [
        ((ts.table, row, col), spec.figures.get((ts.table, row, col)))
        for ts in codebook.tables(spec.template)
        for row, col in ts.cells()
        if (ts.table, row) not in spec.missing_rows
    ]
    for key, v in [*cells, *sorted(spec.extra_cells.items())]:
        table, row, col = key
        if key in spec.doubtful:
            doubtful.append({"table": table, "row": row, "column": col, "value": v})
        elif v is None:
            blank.append({"table": table, "row": row, "column": col})
        else:
            figures.append({"table": table, "row": row, "column": col, "value": v})
    for row, (v, approx) in spec.prose_metrics.items():
        f = {"table": "prose_metrics", "row": row, "column": "value", "value": v}
        if approx:
            f["approximate"] = True
        figures.append(f)
    rules = codebook.rules()
    findings = [f"{r}: {FINDING.get(r) or rules[r]['statement']}" for r in spec.violations]
    if spec.published_also:
        findings.append("the header date and the closing date differ")
    r = spec.region
    region = (
        {"province": r.province, "city": r.city, "county": r.county}
        if spec.region_in_text
        else {"province": None, "city": None, "county": None}
    )
    violations, tolerated = list(spec.violations), []
    if "R12" in violations and spec.published_on is not None and not _text_dated(spec):
        # the only date is the page's (portal field, <meta>, crawler header): when that page was posted, which may
        # be a re-post long after the report came out, so lateness cannot be read from it; early can (R12 early
        # keeps its date in the text, see phenomena.early_publication)
        violations.remove("R12")
        tolerated.append("R12")
    entry = {
        "file": spec.file,
        "report": {
            "agency": spec.agency,
            "agency_aliases": list(spec.agency_aliases),
            "region": region,
            "report_year": spec.report_year,
            "template": spec.template,
            "published_on": published(spec),
        },
        "figures": figures,
        "blank": blank,
        "violations": violations,
        "expected_findings": findings,
    }
    if tolerated:
        entry["tolerated_findings"] = tolerated
    if spec.phenomena:
        entry["phenomena"] = list(spec.phenomena)
    if doubtful:
        # cells the text cannot decide: not scored as cells; an extraction doubt (X_DOUBT) is the right output,
        # a value there counts as spurious (../shared/tools/score), a doubt is no false alarm
        entry["doubtful"] = doubtful
        entry["tolerated_findings"] = [*tolerated, DOUBT]
        findings.append(f"{DOUBT}: {len(doubtful)} cells whose fused digits split more than one way")
    unmapped = [
        {"table": t, "after_row": after, "label": label, "cells": list(c)} for t, after, label, c in spec.extra_rows
    ]
    if unmapped:
        entry["unmapped"] = unmapped
        findings.append("rows of no template row, kept unmapped: " + "、".join(u["label"] for u in unmapped))
    return entry
