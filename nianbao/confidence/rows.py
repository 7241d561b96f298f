"""The warehouse rows of a report's confidence: raw.extraction_checks (one per failed rule × cell, and one per
cell of an extraction doubt) and the confidence columns of raw.reports."""

import json

DOUBT = "doubt"


def _num(v):
    try:
        return None if v is None else float(v)
    except (TypeError, ValueError):
        return None


def _int(v):
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _row(report_id: str, seq: int, check: dict, cell: dict, verdict: str, rule_verdict: str) -> dict:
    loc = cell.get("location") or {}
    span = loc.get("char_span") or (None, None)
    second_loc = cell.get("second_location")
    return {
        "report_id": report_id,
        "check_seq": seq,
        "finding_seq": check.get("finding"),
        "rule_id": check.get("rule"),
        "message": check.get("message"),
        "reading": check.get("reading"),
        "rule_verdict": rule_verdict,
        "table_code": cell.get("table"),
        "row_code": cell.get("row"),
        "column_code": cell.get("column"),
        "primary_value": _num(cell.get("primary", cell.get("value"))),
        "second_value": _num(cell.get("second")),
        "second_text": cell.get("second_text"),
        "verdict": verdict,
        "page": _int(loc.get("page")),
        "table_index": _int(loc.get("table_index")),
        "row_index": _int(loc.get("row_index")),
        "column_index": _int(loc.get("column_index")),
        "char_start": _int(span[0]),
        "char_end": _int(span[1]),
        "second_location": None if second_loc is None else json.dumps(second_loc, ensure_ascii=False),
    }


def check_rows(ex: dict) -> list[dict]:
    """raw.extraction_checks rows of one successful extract dict (none when it has no confidence object)."""
    conf = ex.get("confidence") or {}
    rows: list[dict] = []
    for check in conf.get("checks") or []:
        for cell in check.get("cells") or []:
            rows.append(_row(ex["sha256"], len(rows), check, cell, cell.get("verdict"), check.get("verdict")))
    for doubt in conf.get("doubts") or []:  # a cell the text cannot decide: in doubt whatever a reading says
        for cell in doubt.get("cells") or [{}]:
            rows.append(_row(ex["sha256"], len(rows), doubt | {"reading": None}, cell, DOUBT, DOUBT))
    return rows


def report_columns(ex: dict) -> dict:
    """The confidence columns of one raw.reports row."""
    conf = ex.get("confidence") or {}
    cells = conf.get("cells") or {}
    return {
        "n_cells_located": cells.get("located"),
        "n_cells_inferred": cells.get("inferred"),
        "n_cells_blank": cells.get("blank"),
        "identities_hold": conf.get("identities_hold"),
        "n_cells_in_doubt": conf.get("cells_in_doubt"),
    }
