"""Findings: the rules of spec/rules.csv that one report's own numbers can break (the relations of the catalogue,
nianbao.rules: R1–R4, R8, O1–O8; and R9, R12, O10, S1)."""

import functools
import operator
from datetime import date

from nianbao import bodies, codebook, eras, rules
from nianbao.report import Figure, Finding, Report, location_json

LEG, PROSE = "legacy_stats", "prose_metrics"
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

    def check(self, relations: tuple, across: bool) -> list[Finding]:
        """Findings of the catalogue's relations (nianbao.rules) that do not hold in this report: those within one
        table, or (across) those between tables."""
        out = []
        values = self.values
        for rel, cells_of in _getters(relations):
            if rel.spans_tables is not across:
                continue
            if rel.relation == "=" and not rel.tolerance and not rel.signs:  # the common case: one C-level lookup
                cells = cells_of(values)
                n = len(rel.lhs)
                if abs(sum(filter(None, cells[:n])) - sum(filter(None, cells[n:]))) < rules.EPS:
                    continue
            sums = rules.evaluate(values, rel)
            if sums is None or rules.holds(rel.relation, rel.tolerance, sums[0] - sums[1]):
                continue
            out.append(
                Finding(
                    rel.rule,
                    rel.severity,
                    rules.message(rel.message, *sums),
                    [self.ref(*k) for k in rel.lhs + rel.rhs],
                )
            )
        return out


class _Values(dict):
    """Values by cell; an absent cell reads as None."""

    def __missing__(self, key):
        return None


@functools.cache
def _getters(relations: tuple) -> tuple:
    """Each relation with a getter of all its cells in one call (always two or more cells: a tuple)."""
    return tuple((r, operator.itemgetter(*r.lhs, *r.rhs)) for r in relations)


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
            out.append(
                Finding(
                    "R9",
                    "error",
                    f"{f.table}/{f.row}/{f.column} = {f.raw!r} is not a non-negative whole count",
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
        out.append(
            Finding(
                "S1",
                "error",
                f"{len(missing)} template rows not found: {', '.join(missing[:12])}"
                + (" …" if len(missing) > 12 else ""),
                [{"row": m} for m in missing],
            )
        )
    if eras.is_national(report.template):
        # a printed row of a national table that names no template row (its numbers kept unmapped)
        extra: dict[str, Figure] = {}
        for f in report.figures:
            if (
                not f.mapped
                and f.table == "unmapped"
                and f.kind != "doubt"
                and ":" not in f.row
                and f.row not in _column_words(report.template)
            ):
                extra.setdefault(f.row, f)
        if extra:
            out.append(
                Finding(
                    "S1",
                    "error",
                    f"{len(extra)} printed rows match no template row: "
                    + ", ".join(f.label or r for r, f in list(extra.items())[:12]),
                    [
                        {"row": f"unmapped/{r}", "label": f.label, "location": location_json(f.location)}
                        for r, f in extra.items()
                    ],
                )
            )
    return out


def _o10(header_values: list[Figure]) -> list[Finding]:
    return [
        Finding(
            "O10",
            "warning",
            f"section header row '{f.label}' carries a value: {f.raw}",
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
        for f in header_values
    ]


def _x9(local_totals) -> list[Finding]:
    """A local form's 总数 row against the numbered 其中 rows under it (domain.md O9; ours: X9)."""
    out = []
    for total, kids in local_totals:
        values = [k.value.value for k in kids]
        if total.value.value is None and all(v is None for v in values):
            continue
        t, s = total.value.value or 0, sum(v or 0 for v in values)
        if abs(t - s) > 1e-9:
            cells = [
                {
                    "table": "local_form",
                    "row": tok.text,
                    "column": "value",
                    "value": tok.value.value,
                    "location": location_json(tok.loc),
                }
                for tok in [total, *kids]
            ]
            out.append(
                Finding(
                    "X9", "warning", f"本地统计表 total {rules.fmt(t)} ≠ the sum of its 其中 rows {rules.fmt(s)}", cells
                )
            )
    return out


def _x_doubt(report: Report) -> list[Finding]:
    """Extraction doubts: printed cells the text alone cannot place (fused digits that split more than one way)."""
    return [
        Finding(
            "X_DOUBT",
            "warning",
            f"extraction doubt: {f.label}",
            [
                {
                    "table": f.table,
                    "row": f.row,
                    "column": f.column,
                    "value": None,
                    "raw": f.raw,
                    "location": location_json(f.location),
                }
            ],
        )
        for f in report.figures
        if not f.mapped and f.kind == "doubt"
    ]


def check(report: Report, header_values: list[Figure] = (), local_totals=()) -> list[Finding]:
    """Every rule one report can show; local forms get their own totals check instead of the national ones."""
    c = _Cells(report)
    found: list[Finding | None] = []
    relations = rules.relations(report.template, report.variant)
    # the tables' own arithmetic, their section headers, then the prose against the tables (findings keep this order)
    found += c.check(relations, across=False)
    if eras.is_legacy(report.template) and report.variant == "local_form":
        found += _x9(local_totals)
    elif eras.is_legacy(report.template):
        found += _o10(list(header_values))
    found += c.check(relations, across=True)
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
    return any(
        c.get("value") is None and ((c.get("table"), c.get("row")) in doubted or c.get("table") in tables)
        for c in finding.cells
    )
