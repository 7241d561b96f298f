"""Evaluate the rules of rules.csv on a spec's own figures, to prove what a generated report breaks."""

from datetime import date

from nianbao import bodies, eras, rules

from .model import ReportSpec

APPLICANT_COLS = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other_org",
)
T4_PARTS = ("upheld", "corrected", "other_result", "pending")
AMOUNT_COLUMNS = {"procurement_amount", "fee_amount"}
AMOUNT_ROWS = {"fees_collected", "special_funding"}
HEADER_ROWS_RULE = "O10"
PROSE_RULE, PROSE_TABLE = "R8", "prose_metrics"  # the rule of spec/rule_relations.csv relating prose to tables


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
    t = spec.template
    values = {**spec.extra_cells, **spec.figures}  # a hybrid's row printed from another era is an extra cell
    values |= {(PROSE_TABLE, row, "value"): v for row, (v, _approx) in spec.prose_metrics.items()}
    for rel in rules.relations(t):
        sums = rules.evaluate(values, rel)
        if sums is not None and not rules.holds(rel.relation, rel.tolerance, sums[0] - sums[1]):
            out.add(rel.rule)
    if eras.is_legacy(t) and spec.header_values:
        out.add(HEADER_ROWS_RULE)
    for (table, row, col), x in spec.figures.items():
        if x is None or table == PROSE_TABLE:
            continue
        amount = col in AMOUNT_COLUMNS or row in AMOUNT_ROWS
        if (x < 0 and col != "change") or (not amount and x != int(x)):
            out.add("R9")
    if spec.missing_rows or spec.extra_rows:
        out.add("S1")
    if spec.published_on is not None:
        if not date(spec.report_year, 12, 31) < spec.published_on <= deadline(spec):
            out.add("R12")
    return out


def prose_relations(template: str) -> dict[str, rules.Relation]:
    """The catalogue's relations of a prose figure to its table figures (R8) for a template, by prose metric."""
    return {
        r.lhs[0][1]: r
        for r in rules.relations(template)
        if r.rule == PROSE_RULE and len(r.lhs) == 1 and r.lhs[0][0] == PROSE_TABLE
    }


def prose_counterparts(spec: ReportSpec) -> dict[str, float]:
    """The table figure each prose metric must equal (R8), for the metrics that have one."""
    v = _get(spec)
    return {metric: sum(v(*cell) for cell in r.rhs) for metric, r in prose_relations(spec.template).items()}
