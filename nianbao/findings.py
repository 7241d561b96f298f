"""Findings: the rules of spec/rules.csv that one report's own numbers can break (R1–R4, R8, R9, R12, O1–O8, O10, S1)."""

import functools
import operator
from datetime import date

from nianbao import bodies, codebook, eras
from nianbao.report import Figure, Finding, Report, location_json

T2, T3, T4, LEG, PROSE = "t2_proactive", "t3_applications", "t4_review_litigation", "legacy_stats", "prose_metrics"
APPLICANTS = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
              "legal_service_org", "other_org")
AMOUNT_COLUMNS = {"procurement_amount", "fee_amount"}
AMOUNT_ROWS = {(LEG, "fees_collected"), (LEG, "special_funding"), (PROSE, "fees_collected")}


class _Cells:
    """Figures of a report by (table, row, column), with helpers that treat blank as 0 inside a relation."""

    def __init__(self, report: Report):
        self.report = report
        self.values = _Values({(f.table, f.row, f.column): f.value for f in report.figures if f.mapped})

    @functools.cached_property
    def by_key(self) -> dict[tuple[str, str, str], Figure]:
        return {(f.table, f.row, f.column): f for f in self.report.figures if f.mapped}

    def get(self, table, row, col="value"):
        return self.values.get((table, row, col))

    def ref(self, table, row, col="value") -> dict:
        f = self.by_key.get((table, row, col))
        loc = location_json(f.location) if f else None
        return {"table": table, "row": row, "column": col, "value": None if f is None else f.value, "location": loc}

    def identity(self, rule: str, lhs: tuple, rhs: tuple, relation: str, label: str) -> Finding | None:
        """lhs (sum) relation rhs (sum); None when every cell involved is absent or blank."""
        get = self.values.get
        lv = [get(k) for k in lhs]
        rv = [get(k) for k in rhs]
        if lv.count(None) == len(lv) and rv.count(None) == len(rv):
            return None
        left = sum(filter(None, lv))
        right = sum(filter(None, rv))
        if relation == "=":
            ok = abs(left - right) < 1e-9
        else:
            ok = left >= right - 1e-9 if relation == ">=" else left <= right + 1e-9
        if ok:
            return None
        cells = [self.ref(*k) for k in lhs + rhs]
        sev = codebook.rules()[rule]["severity"]
        return Finding(rule, sev, f"{label}: {_fmt(left)} {'≠' if relation == '=' else 'violates ' + relation} {_fmt(right)}",
                       cells)

    def check(self, relations: tuple) -> list[Finding]:
        """Findings of the relations that do not hold (see _relation)."""
        out = []
        values = self.values
        for rule, lhs, rhs, rel, label, cells_of in relations:
            if rel == "=":  # the common case, decided here with one C-level lookup; identity() describes a break
                cells = cells_of(values)
                n = len(lhs)
                if abs(sum(filter(None, cells[:n])) - sum(filter(None, cells[n:]))) < 1e-9:
                    continue
            f = self.identity(rule, lhs, rhs, rel, label)
            if f is not None:
                out.append(f)
        return out


class _Values(dict):
    """Values by cell; an absent cell reads as None."""

    def __missing__(self, key):
        return None


def _relation(rule: str, lhs: tuple, rhs: tuple, relation: str, label: str) -> tuple:
    """A relation as check() takes it: with a getter of all its cells in one call (always two or more: a tuple)."""
    return rule, lhs, rhs, relation, label, operator.itemgetter(*lhs, *rhs)


def _fmt(x):
    return int(x) if float(x).is_integer() else round(x, 4)


@functools.cache
def national_relations(template: str) -> tuple:
    """R1–R4 of a national template (see _relation)."""
    out = []
    t3 = codebook.table(template, T3)
    leaves = [r.code for r in t3.rows if r.parent in ("outcome", "denied", "unavailable", "not_processed",
                                                       "other_handling") and r.code not in ("total_handled",)]
    if "other_handling" not in leaves:  # a 2021 table printing 2019's single （六）其他处理 row (a hybrid, S1)
        leaves.append("other_handling")
    for col in APPLICANTS + ("total",):
        out.append(_relation("R1", ((T3, "new_received", col), (T3, "carried_over", col)),
                    ((T3, "total_handled", col), (T3, "carried_forward", col)), "=",
                    f"表三 {col}: 一 + 二 vs （七）总计 + 四"))
        out.append(_relation("R3", ((T3, "total_handled", col),), tuple((T3, r, col) for r in leaves), "=",
                    f"表三 {col}: （七）总计 vs the sum of the outcome rows"))
    for r in t3.rows:
        out.append(_relation("R2", ((T3, r.code, "total"),), tuple((T3, r.code, a) for a in APPLICANTS), "=",
                    f"表三 {r.code}: 总计 vs 自然人 + 法人或其他组织"))
    for row in ("administrative_review", "litigation_direct", "litigation_after_review"):
        out.append(_relation("R4", ((T4, row, "total"),),
                    tuple((T4, row, k) for k in ("upheld", "corrected", "other_result", "pending")), "=",
                    f"表四 {row}: 总计 vs 维持 + 纠正 + 其他 + 尚未审结"))
    return tuple(out)


def _legacy_relations() -> tuple:
    """O1–O8 of the pre-2019 统计表 (see _relation)."""
    L = lambda *rows: tuple((LEG, r, "value") for r in rows)  # noqa: E731
    return (
        _relation("O1", L("applications_received"), L("applications_in_person", "applications_fax",
         "applications_online", "applications_letter", "applications_other"), "=", "收到申请数 vs 五种渠道"),
        _relation("O2", L("applications_closed"), L("applications_closed_on_time", "applications_closed_extended"),
         "=", "申请办结数 vs 按时 + 延期"),
        _relation("O3", L("applications_answered"), L("answered_already_public", "answered_granted",
         "answered_partially_granted", "answered_denied", "answered_not_this_agency", "answered_not_exist",
         "answered_correction_requested", "answered_other_channel"), "=", "申请答复数 vs 1–8 项"),
        _relation("O4", L("answered_denied"), L("denied_state_secret", "denied_commercial_secret",
         "denied_personal_privacy", "denied_security_stability", "denied_not_government_info",
         "denied_other_legal"), ">=", "不同意公开答复数 vs 其中各项之和"),
        _relation("O5", L("review_total"), L("review_upheld", "review_corrected", "review_other"), "=",
         "行政复议数量 vs 三种结果"),
        _relation("O5", L("litigation_total"), L("litigation_upheld", "litigation_corrected", "litigation_other"),
         "=", "行政诉讼数量 vs 三种结果"),
        _relation("O5", L("complaints_total"), L("complaints_upheld", "complaints_corrected", "complaints_other"),
         "=", "被举报投诉数量 vs 三种结果"),
        _relation("O6", L("staff_total"), L("staff_full_time", "staff_part_time"), "=", "工作人员数 vs 专职 + 兼职"),
        _relation("O7", L("channel_gazette", "channel_website", "channel_weibo", "channel_wechat", "channel_other"),
         L("proactive_total"), ">=", "各渠道公开数之和 vs 主动公开政府信息数"),
        _relation("O8", L("proactive_normative_documents"), L("normative_documents_issued"), "<=",
         "主动公开规范性文件数 vs 制发规范性文件总数"),
    )


LEGACY_RELATIONS = _legacy_relations()


def _r8(c: _Cells, template: str) -> list[Finding]:
    pairs = [("applications_received", [(T3, "new_received", "total")]),
             ("administrative_reviews", [(T4, "administrative_review", "total")]),
             ("administrative_litigations", [(T4, "litigation_direct", "total"), (T4, "litigation_after_review", "total")])]
    if eras.is_legacy(template):
        pairs = [("proactive_disclosed", [(LEG, "proactive_total", "value")]),
                 ("applications_received", [(LEG, "applications_received", "value")]),
                 ("administrative_reviews", [(LEG, "review_total", "value")]),
                 ("administrative_litigations", [(LEG, "litigation_total", "value")])]
    out = []
    for prose_row, table_cells in pairs:
        p = c.get(PROSE, prose_row)
        vals = [c.get(*k) for k in table_cells]
        if p is None or not any(k in c.values for k in table_cells):  # no such table cell printed at all
            continue
        t = sum(v or 0 for v in vals)
        if abs(p - t) > 1e-9:
            out.append(Finding("R8", "warning", f"正文 {prose_row} {_fmt(p)} ≠ 表格 {_fmt(t)}",
                               [c.ref(PROSE, prose_row)] + [c.ref(*k) for k in table_cells]))
    return out


def _r9(report: Report) -> list[Finding]:
    out = []
    for f in report.figures:
        v = f.value
        if v is None or (v.__class__ is int and v >= 0) or not f.mapped:  # a whole count: the common case
            continue
        amount = f.column in AMOUNT_COLUMNS or (f.table, f.row) in AMOUNT_ROWS
        negative_ok = f.column == "change"
        bad = (f.value < 0 and not negative_ok) or (not amount and not float(f.value).is_integer())
        if bad:
            out.append(Finding("R9", "error", f"{f.table}/{f.row}/{f.column} = {f.raw!r} is not a non-negative whole count",
                               [{"table": f.table, "row": f.row, "column": f.column, "value": f.value,
                                 "location": location_json(f.location)}]))
    return out


def deadline(report: Report) -> date | None:
    """R12's deadline for the report's body (nianbao.bodies: one classification, shared with the warehouse)."""
    return bodies.deadline(report.report_year, bodies.kind_of_body(report.agency))


def _r12(report: Report) -> list[Finding]:
    if not report.published_on or report.report_year is None:
        return []
    pub = date.fromisoformat(report.published_on)
    end, due = date(report.report_year, 12, 31), deadline(report)
    if pub <= end:
        return [Finding("R12", "warning", f"published {pub} before the reporting year {report.report_year} ended")]
    if due and pub > due:
        return [Finding("R12", "warning", f"published {pub}, after the deadline {due}")]
    return []


@functools.cache
def template_rows(template: str) -> tuple[tuple[str, str], ...]:
    """(table, row) of every row the template prints."""
    return tuple((t.table, r.code) for t in codebook.tables(template) for r in t.rows)


@functools.cache
def _column_words(template: str) -> frozenset[str]:
    """Column headers of a template's tables (总计, 结果维持 …): a header word before a number is no extra row."""
    return frozenset({c.label for t in codebook.tables(template) for c in t.columns} | {"合计", "小计"})


def _s1(report: Report) -> list[Finding]:
    have = {(f.table, f.row) for f in report.figures if f.mapped}
    missing = [f"{t}/{r}" for t, r in template_rows(report.template) if (t, r) not in have]
    out = []
    if missing:
        out.append(Finding("S1", "error", f"{len(missing)} template rows not found: {', '.join(missing[:12])}"
                           + (" …" if len(missing) > 12 else ""), [{"row": m} for m in missing]))
    if eras.is_national(report.template):
        # a printed row of a national table that names no template row (its numbers kept unmapped)
        extra: dict[str, Figure] = {}
        for f in report.figures:
            if (not f.mapped and f.table == "unmapped" and f.kind != "doubt" and ":" not in f.row
                    and f.row not in _column_words(report.template)):
                extra.setdefault(f.row, f)
        if extra:
            out.append(Finding("S1", "error", f"{len(extra)} printed rows match no template row: "
                               + ", ".join(f.label or r for r, f in list(extra.items())[:12]),
                               [{"row": f"unmapped/{r}", "label": f.label, "location": location_json(f.location)}
                                for r, f in extra.items()]))
    return out


def _o10(header_values: list[Figure]) -> list[Finding]:
    return [Finding("O10", "warning", f"section header row '{f.label}' carries a value: {f.raw}",
                    [{"table": f.table, "row": f.row, "column": f.column, "value": f.value,
                      "location": location_json(f.location)}]) for f in header_values]


def _x9(local_totals) -> list[Finding]:
    """A local form's 总数 row against the numbered 其中 rows under it (domain.md O9; ours: X9)."""
    out = []
    for total, kids in local_totals:
        values = [k.value.value for k in kids]
        if total.value.value is None and all(v is None for v in values):
            continue
        t, s = total.value.value or 0, sum(v or 0 for v in values)
        if abs(t - s) > 1e-9:
            cells = [{"table": "local_form", "row": tok.text, "column": "value", "value": tok.value.value,
                      "location": location_json(tok.loc)} for tok in [total, *kids]]
            out.append(Finding("X9", "warning", f"本地统计表 total {_fmt(t)} ≠ the sum of its 其中 rows {_fmt(s)}", cells))
    return out


def _x_doubt(report: Report) -> list[Finding]:
    """Extraction doubts: printed cells the text alone cannot place (fused digits that split more than one way)."""
    return [Finding("X_DOUBT", "warning", f"extraction doubt: {f.label}",
                    [{"table": f.table, "row": f.row, "column": f.column, "value": None, "raw": f.raw,
                      "location": location_json(f.location)}])
            for f in report.figures if not f.mapped and f.kind == "doubt"]


def check(report: Report, header_values: list[Figure] = (), local_totals=()) -> list[Finding]:
    """Every rule one report can show; local forms get their own totals check instead of the national ones."""
    c = _Cells(report)
    found: list[Finding | None] = []
    if eras.is_national(report.template):
        found += c.check(national_relations(report.template))
    elif eras.is_legacy(report.template) and report.variant == "local_form":
        found += _x9(local_totals)
    elif eras.is_legacy(report.template):
        found += c.check(LEGACY_RELATIONS)
        found += _o10(list(header_values))
    found += _r8(c, report.template)
    found += _r9(report)
    found += _r12(report)
    found = [f for f in found if f is not None and not _on_doubt(f, report)]
    found += _x_doubt(report)
    if report.variant != "local_form":
        found += _s1(report)
    return [f for f in found if f is not None]


def _on_doubt(finding: Finding, report: Report) -> bool:
    """A rule broken only because it reads a row the extractor left out as doubtful (its printed digits split more
    than one way): the publisher's arithmetic is unknown there, so the rule says nothing (X_DOUBT says why)."""
    doubted = {tuple(f.row.split(":", 1)) for f in report.figures if not f.mapped and f.kind == "doubt"}
    if not doubted:
        return False
    tables = {t for t, code in doubted if code == "all_rows"}
    return any(c.get("value") is None and ((c.get("table"), c.get("row")) in doubted or c.get("table") in tables)
               for c in finding.cells)
