"""The `confidence` object of one report: cells located/inferred/blank, the template identities, and for each
failed rule the second reading's verdict on the cells involved (agree = publisher error, disagree = extraction
doubt), plus the extraction doubts the parser recorded (rule ids starting X_DOUBT)."""

from nianbao import eras, rules
from nianbao.confidence.cells import PROSE, classify
from nianbao.confidence.second_reading import open_reading, read_cells
from nianbao.document import Document
from nianbao.report import Report

DOUBT_PREFIX = "X_DOUBT"
NOT_CELL_RULES = {"S1", "R12"}  # rules about missing rows or dates: no cell to read twice
AGREE, DISAGREE, UNAVAILABLE = "agree", "disagree", "unavailable"


def identity_rules(report: Report) -> list[str]:
    """The rule ids of the template's own arithmetic (the catalogue's relations within its tables, not a prose figure
    against a table's: R8; X9 on a local form), in order."""
    if eras.is_legacy(report.template) and report.variant == "local_form":
        return ["X9"]
    own = (r.rule for r in rules.relations(report.template, report.variant) if not r.spans_tables)
    return list(dict.fromkeys(own))


def identities(report: Report) -> dict:
    """Whether each identity holds, with how many of its instances failed."""
    failed: dict[str, int] = {}
    for f in report.findings:
        failed[f.rule] = failed.get(f.rule, 0) + 1
    return {rule: {"holds": rule not in failed, "failed": failed.get(rule, 0)} for rule in identity_rules(report)}


def _same(a, b) -> bool:
    """The two readings give the rule the same number: a blank or missing cell counts as 0, as in the rules."""
    return abs(float(a or 0) - float(b or 0)) < 1e-9


def _cell_verdict(cell: dict, second: dict, method: str | None) -> dict:
    """One cell of a failed rule: the primary value, the second reading's, and whether they agree."""
    key = (cell.get("table"), cell.get("row"), cell.get("column"))
    out = {
        "table": key[0],
        "row": key[1],
        "column": key[2],
        "primary": cell.get("value"),
        "second": None,
        "second_text": None,
        "second_location": None,
        "location": cell.get("location"),
    }
    got = second.get(key)
    if method is None or key[0] == PROSE or got is None:
        return out | {"verdict": UNAVAILABLE}  # a cell the primary missed but the second reads is a disagreement
    verdict = AGREE if _same(cell.get("value"), got.value) else DISAGREE
    return out | {"second": got.value, "second_text": got.text, "second_location": got.where, "verdict": verdict}


def _rule_verdict(cells: list[dict]) -> str:
    """disagree when any cell disagrees; agree when every table cell involved agrees; else unavailable."""
    table_cells = [c for c in cells if c["table"] != PROSE]
    if any(c["verdict"] == DISAGREE for c in cells):
        return DISAGREE
    if table_cells and all(c["verdict"] == AGREE for c in table_cells):
        return AGREE
    return UNAVAILABLE


def _pages(cells) -> set[int] | None:
    """The pages a PDF's second reading needs: those of the cells involved, with one page either side (a table
    runs on); None (every page) when no cell has a page."""
    pages = {(c.get("location") or {}).get("page") for c in cells} - {None}
    if not pages:
        return None
    return set(range(max(min(pages) - 1, 1), max(pages) + 2))


def second_checks(data: bytes, fmt: str, report: Report) -> tuple[str | None, list[dict]]:
    """For each failed rule with cells, the second reading's verdict (opened only when one fails)."""
    failed = [
        (n, f)
        for n, f in enumerate(report.findings)
        if f.rule not in NOT_CELL_RULES and not f.rule.startswith(DOUBT_PREFIX) and any(c.get("table") for c in f.cells)
    ]
    if not failed:
        return None, []
    reading, method, error = None, None, None
    try:
        reading = open_reading(data, fmt, _pages(c for _, f in failed for c in f.cells))
    except Exception as e:  # a second reading that fails leaves the verdicts unavailable, never the report
        error = f"{type(e).__name__}: {e}"
    method = getattr(reading, "method", None)
    tables = {c.get("table") for _, f in failed for c in f.cells} - {None, PROSE}
    second = read_cells(reading, report.template, tables) if reading is not None and tables else {}
    checks = []
    for n, f in failed:
        cells = [_cell_verdict(c, second, method) for c in f.cells if c.get("table")]
        checks.append(
            {
                "rule": f.rule,
                "finding": n,
                "message": f.message,
                "reading": method,
                "verdict": _rule_verdict(cells),
                "cells": cells,
            }
            | ({"error": error} if error else {})
        )
    return method, checks


def doubts(report: Report) -> list[dict]:
    """The extraction doubts the parser recorded (a cell the text cannot decide)."""
    return [
        {"rule": f.rule, "finding": n, "message": f.message, "cells": f.cells}
        for n, f in enumerate(report.findings)
        if f.rule.startswith(DOUBT_PREFIX)
    ]


def assess(data: bytes, fmt: str, doc: Document, report: Report) -> dict:
    """The confidence object of spec/cli.md's report (an extension field)."""
    cells = classify(doc, report)
    method, checks = second_checks(data, fmt, report)
    found_doubts = doubts(report)
    in_doubt = {(c["table"], c["row"], c["column"]) for ch in checks for c in ch["cells"] if c["verdict"] == DISAGREE}
    in_doubt |= {(c.get("table"), c.get("row"), c.get("column")) for d in found_doubts for c in d["cells"] or [{}]}
    ids = identities(report)
    return {
        "cells": {k: cells[k] for k in ("located", "inferred", "blank")},
        "rows": cells["rows"],
        "inferred_cells": cells["inferred_cells"],
        "identities": ids,
        "identities_hold": all(v["holds"] for v in ids.values()),
        "second_reading": method,
        "checks": checks,
        "doubts": found_doubts,
        "cells_in_doubt": len(in_doubt),
    }
