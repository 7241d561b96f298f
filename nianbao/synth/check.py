"""Evaluate the rules of rules.csv on a spec's own figures, to prove what a generated report breaks."""

from datetime import date

from nianbao import bodies, codebook, eras

from .model import ReportSpec

APPLICANT_COLS = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
                  "legal_service_org", "other_org")
T4_PARTS = ("upheld", "corrected", "other_result", "pending")
AMOUNT_COLUMNS = {"procurement_amount", "fee_amount"}
AMOUNT_ROWS = {"fees_collected", "special_funding"}
HEADER_ROWS_RULE = "O10"


def _get(spec: ReportSpec):
    def v(table: str, row: str, col: str = "value") -> float:
        x = spec.figures.get((table, row, col), spec.extra_cells.get((table, row, col)))
        return 0 if x is None else x
    return v


def deadline(spec: ReportSpec, government_report: bool = False) -> date:
    """R12's deadline for the spec's body (nianbao.bodies); government_report: the latest any body may have."""
    kind = "government" if government_report else bodies.kind_of_body(spec.agency)
    return bodies.deadline(spec.report_year, kind)


def broken_rules(spec: ReportSpec) -> set[str]:
    """Rule ids (of rules.csv) that the spec's printed figures, prose and dates break."""
    out: set[str] = set()
    v = _get(spec)
    t = spec.template
    if eras.is_national(t):
        t3 = codebook.table(t, "t3_applications")
        leaves = [r.code for r in t3.rows if r.parent in ("outcome", "denied", "unavailable", "not_processed",
                                                          "other_handling") and r.code != "total_handled"]
        T3 = "t3_applications"
        leaves += sorted({r for (tb, r, _c) in spec.extra_cells if tb == T3})  # a hybrid's 2019 （六）其他处理
        for c in (*APPLICANT_COLS, "total"):
            if v(T3, "new_received", c) + v(T3, "carried_over", c) != v(T3, "total_handled", c) + v(T3, "carried_forward", c):
                out.add("R1")
            if v(T3, "total_handled", c) != sum(v(T3, r, c) for r in leaves):
                out.add("R3")
        for r in t3.rows:
            if v(T3, r.code, "total") != sum(v(T3, r.code, c) for c in APPLICANT_COLS):
                out.add("R2")
        for r in ("administrative_review", "litigation_direct", "litigation_after_review"):
            T4 = "t4_review_litigation"
            if v(T4, r, "total") != sum(v(T4, r, c) for c in T4_PARTS):
                out.add("R4")
    if eras.is_legacy(t):
        L = "legacy_stats"
        if v(L, "applications_received") != sum(v(L, "applications_" + k) for k in ("in_person", "fax", "online", "letter", "other")):
            out.add("O1")
        if v(L, "applications_closed") != v(L, "applications_closed_on_time") + v(L, "applications_closed_extended"):
            out.add("O2")
        answered = ("already_public", "granted", "partially_granted", "denied", "not_this_agency", "not_exist",
                    "correction_requested", "other_channel")
        if v(L, "applications_answered") != sum(v(L, "answered_" + k) for k in answered):
            out.add("O3")
        denied = ("state_secret", "commercial_secret", "personal_privacy", "security_stability", "not_government_info",
                  "other_legal")
        if v(L, "answered_denied") < sum(v(L, "denied_" + k) for k in denied):
            out.add("O4")
        for p in ("review", "litigation", "complaints"):
            if v(L, p + "_total") != v(L, p + "_upheld") + v(L, p + "_corrected") + v(L, p + "_other"):
                out.add("O5")
        if v(L, "staff_total") != v(L, "staff_full_time") + v(L, "staff_part_time"):
            out.add("O6")
        if sum(v(L, "channel_" + k) for k in ("gazette", "website", "weibo", "wechat", "other")) < v(L, "proactive_total"):
            out.add("O7")
        if v(L, "proactive_normative_documents") > v(L, "normative_documents_issued"):
            out.add("O8")
        if spec.header_values:
            out.add(HEADER_ROWS_RULE)
    for (table, row, col), x in spec.figures.items():
        if x is None or table == "prose_metrics":
            continue
        amount = col in AMOUNT_COLUMNS or row in AMOUNT_ROWS
        if (x < 0 and col != "change") or (not amount and x != int(x)):
            out.add("R9")
    if spec.missing_rows or spec.extra_rows:
        out.add("S1")
    if prose_table_mismatch(spec):
        out.add("R8")
    if spec.published_on is not None:
        if not date(spec.report_year, 12, 31) < spec.published_on <= deadline(spec):
            out.add("R12")
    return out


def prose_counterparts(spec: ReportSpec) -> dict[str, float]:
    """The table figure each prose metric must equal (R8), for the metrics that have one."""
    v = _get(spec)
    if eras.is_national(spec.template):
        T4 = "t4_review_litigation"
        return {"applications_received": v("t3_applications", "new_received", "total"),
                "administrative_reviews": v(T4, "administrative_review", "total"),
                "administrative_litigations": v(T4, "litigation_direct", "total") + v(T4, "litigation_after_review", "total")}
    if eras.is_legacy(spec.template):
        L = "legacy_stats"
        return {"proactive_disclosed": v(L, "proactive_total"), "applications_received": v(L, "applications_received"),
                "administrative_reviews": v(L, "review_total"), "administrative_litigations": v(L, "litigation_total")}
    return {}


def prose_table_mismatch(spec: ReportSpec) -> bool:
    want = prose_counterparts(spec)
    return any(row in want and want[row] != value for row, (value, _approx) in spec.prose_metrics.items())
