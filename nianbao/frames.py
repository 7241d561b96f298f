"""Extract dicts (the `nianbao extract --json` objects) to Polars frames for the warehouse's `raw` schema."""

import datetime as dt
import functools
import json

import polars as pl

from nianbao import codebook, rules
from nianbao.confidence import rows as confidence_rows

UTC_TS = pl.Datetime("us", "UTC")

# ---------- schemas: one per raw table, in column order ----------
DOCUMENTS = {  # one row per file (path) and content (sha256) ever seen
    "sha256": pl.String,
    "path": pl.String,
    "size": pl.Int64,
    "format": pl.String,
    "parser_version": pl.String,
    "status": pl.String,
    "error_kind": pl.String,
    "error_message": pl.String,
    "extracted_at": UTC_TS,
    "seen_at": UTC_TS,
    "is_current": pl.Boolean,
    "path_hex": pl.String,  # the path's bytes in hex when they are not UTF-8 (path is then a readable decoding)
    "loaded_at": UTC_TS,
}
REPORTS = {  # one row per parsed report; report_id is the sha256 of its source file
    "report_id": pl.String,
    "source_path": pl.String,
    "parser_version": pl.String,
    "agency": pl.String,
    "province": pl.String,
    "city": pl.String,
    "county": pl.String,
    "region_code": pl.String,
    "report_year": pl.Int32,
    "template": pl.String,
    "published_on": pl.Date,
    "extracted_at": UTC_TS,
    "template_variant": pl.String,
    # the body's kind and R12 deadline, computed once by nianbao.bodies (the warehouse reads them, never recomputes)
    "kind_of_body": pl.String,
    "deadline_date": pl.Date,
    # extraction confidence (nianbao.confidence.rows.report_columns)
    "n_cells_located": pl.Int32,
    "n_cells_inferred": pl.Int32,
    "n_cells_blank": pl.Int32,
    "identities_hold": pl.Boolean,
    "n_cells_in_doubt": pl.Int32,
    "loaded_at": UTC_TS,
}
UNMAPPED_TABLE = "unmapped"  # the extractor's table for printed numbers that fit no codebook cell (kept)
FIGURES = {  # one row per report and cell
    "report_id": pl.String,
    "source_sha256": pl.String,
    "source_path": pl.String,
    "figure_seq": pl.Int32,
    "template": pl.String,
    "table_code": pl.String,
    "row_code": pl.String,
    "column_code": pl.String,
    "value": pl.Float64,
    "raw_text": pl.String,
    "is_approximate": pl.Boolean,
    "unit": pl.String,
    "value_kind": pl.String,
    "printed_label": pl.String,
    "is_mapped": pl.Boolean,
    "page": pl.Int32,
    "table_index": pl.Int32,
    "row_index": pl.Int32,
    "column_index": pl.Int32,
    "char_start": pl.Int64,
    "char_end": pl.Int64,
    "loaded_at": UTC_TS,
}
FINDINGS = {  # one row per report and finding
    "report_id": pl.String,
    "finding_seq": pl.Int32,
    "rule_id": pl.String,
    "severity": pl.String,
    "message": pl.String,
    "cells": pl.String,
    "loaded_at": UTC_TS,
}
QUARANTINE = {  # one row per failed file (content and path) and parser version
    "sha256": pl.String,
    "path": pl.String,
    "format": pl.String,
    "parser_version": pl.String,
    "error_kind": pl.String,
    "message": pl.String,
    "seen_at": UTC_TS,
    "loaded_at": UTC_TS,
}
EXTRACTION_CHECKS = {  # one row per report × failed rule instance × cell, and per cell of an extraction doubt
    "report_id": pl.String,
    "check_seq": pl.Int32,
    "finding_seq": pl.Int32,
    "rule_id": pl.String,
    "message": pl.String,
    "reading": pl.String,
    "rule_verdict": pl.String,
    "table_code": pl.String,
    "row_code": pl.String,
    "column_code": pl.String,
    "primary_value": pl.Float64,
    "second_value": pl.Float64,
    "second_text": pl.String,
    "verdict": pl.String,
    "page": pl.Int32,
    "table_index": pl.Int32,
    "row_index": pl.Int32,
    "column_index": pl.Int32,
    "char_start": pl.Int64,
    "char_end": pl.Int64,
    "second_location": pl.String,
}
RULES = {  # one row per rule of rules.csv
    "rule_id": pl.String,
    "templates": pl.String,
    "scope": pl.String,
    "severity": pl.String,
    "statement": pl.String,
    "formula": pl.String,
}
RULE_RELATIONS = {  # the rule catalogue compiled (nianbao.rules.compiled_rows, compiled_cross_rows): one row per
    # template (and, a cross-report rule, the previous year's template), instance and cell
    "template": pl.String,
    "related_template": pl.String,
    "rule_id": pl.String,
    "instance_id": pl.String,
    "instance_key": pl.String,
    "label": pl.String,
    "message": pl.String,
    "evaluated_when": pl.String,
    "spans_tables": pl.Boolean,
    "relation": pl.String,
    "tolerance": pl.Float64,
    "lower_bound": pl.Float64,
    "upper_bound": pl.Float64,
    "side": pl.String,
    "cell_seq": pl.Int32,
    "n_cells": pl.Int32,
    "sign": pl.Int32,
    "term": pl.String,
    "report_offset": pl.Int32,
    "table_code": pl.String,
    "row_code": pl.String,
    "column_code": pl.String,
}
LOAD_LOG = {  # one row per committed chunk of a run (and one for the run's closing step): the marts' change marker
    "run_id": pl.String,
    "chunk_seq": pl.Int32,
    "loaded_at": UTC_TS,
    "n_documents": pl.Int64,
    "n_reports": pl.Int64,
    "n_figures": pl.Int64,
    "started_at": UTC_TS,
    "finished_at": UTC_TS,
}
SCAN = {  # one row per entry under the raw dir at the last ingest (batch.RawFile); an ingest rewrites only the rows
    # of entries new, changed or gone since (a full walk, or `make rebuild`, rewrites them all): scanned_at is when
    # the row was written, scan_seq orders the rows (discovery's order within each write; later writes after)
    "path": pl.String,
    "sha256": pl.String,
    "size": pl.Int64,
    "path_hex": pl.String,
    "error_kind": pl.String,
    "error_message": pl.String,
    "scan_seq": pl.Int64,
    "scanned_at": UTC_TS,
    "stat_key": pl.String,  # discovery.stat_key of a hashed file: the next ingest reuses its sha256
}
# every row of these raw tables carries `loaded_at` (TIMESTAMPTZ): the commit time of the chunk that wrote it
# (assets/load.py sets it; a documents / quarantine row keeps its loaded_at while nothing about it changes)
LOADED_AT_TABLES = ("documents", "reports", "figures", "findings", "quarantine")
SCHEMAS = {
    "rules": RULES,
    "rule_relations": RULE_RELATIONS,
    "load_log": LOAD_LOG,
    "scan": SCAN,
    "documents": DOCUMENTS,
    "reports": REPORTS,
    "figures": FIGURES,
    "findings": FINDINGS,
    "quarantine": QUARANTINE,
    "extraction_checks": EXTRACTION_CHECKS,
}

_DUCKDB_TYPES = {
    pl.String: "VARCHAR",
    pl.Int64: "BIGINT",
    pl.Int32: "INTEGER",
    pl.Float64: "DOUBLE",
    pl.Boolean: "BOOLEAN",
    pl.Date: "DATE",
}


def duckdb_type(dtype) -> str:
    """DuckDB column type of a Polars dtype used in these schemas."""
    if isinstance(dtype, pl.Datetime):
        return "TIMESTAMPTZ"
    return _DUCKDB_TYPES[dtype]


def create_table_sql(table: str, schema: str = "raw") -> str:
    """CREATE TABLE IF NOT EXISTS for one raw table, from its Polars schema."""
    cols = ", ".join(f'"{name}" {duckdb_type(t)}' for name, t in SCHEMAS[table].items())
    return f"create table if not exists {schema}.{table} ({cols})"


def frame(table: str, rows: list[dict]) -> pl.DataFrame:
    """Rows (dicts) as a frame with the table's exact schema, columns in order."""
    return pl.DataFrame(rows, schema=SCHEMAS[table], orient="row") if rows else pl.DataFrame(schema=SCHEMAS[table])


@functools.cache
def mapped_cells(template: str | None) -> frozenset[tuple[str, str, str]]:
    """Every (table, row, column) a report of the template may carry (codebook.printable_cells)."""
    return codebook.printable_cells(template)


def _date(value) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _int(value) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def _float(value) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def report_row(ex: dict, parser_version: str, extracted_at: dt.datetime, source_path: str) -> dict:
    """One raw.reports row from a successful extract dict."""
    rep = ex.get("report") or {}
    region = rep.get("region") or {}
    return {
        "report_id": ex["sha256"],
        "source_path": source_path,
        "parser_version": parser_version,
        "agency": rep.get("agency"),
        "province": region.get("province"),
        "city": region.get("city"),
        "county": region.get("county"),
        "region_code": region.get("code"),
        "report_year": _int(rep.get("report_year")),
        "template": rep.get("template"),
        "published_on": _date(rep.get("published_on")),
        "extracted_at": extracted_at,
        "template_variant": rep.get("template_variant"),
        "kind_of_body": rep.get("kind_of_body"),
        "deadline_date": _date(rep.get("deadline")),
        **confidence_rows.report_columns(ex),
    }


def figure_rows(ex: dict, source_path: str) -> list[dict]:
    """raw.figures rows (one per cell) from a successful extract dict."""
    template = (ex.get("report") or {}).get("template")
    known = mapped_cells(template)
    rows = []
    for seq, f in enumerate(ex.get("figures") or []):
        loc = f.get("location") or {}
        span = loc.get("char_span") or (None, None)
        rows.append(
            {
                "report_id": ex["sha256"],
                "source_sha256": ex["sha256"],
                "source_path": source_path,
                "figure_seq": seq,
                "template": template,
                "table_code": f.get("table"),
                "row_code": f.get("row"),
                "column_code": f.get("column"),
                "value": _float(f.get("value")),
                "raw_text": f.get("raw"),
                "is_approximate": bool(f.get("approximate")),
                "unit": f.get("unit"),
                "value_kind": f.get("kind"),
                "printed_label": f.get("label"),
                "is_mapped": (f.get("table"), f.get("row"), f.get("column")) in known,
                "page": _int(loc.get("page")),
                "table_index": _int(loc.get("table_index")),
                "row_index": _int(loc.get("row_index")),
                "column_index": _int(loc.get("column_index")),
                "char_start": _int(span[0]),
                "char_end": _int(span[1]),
            }
        )
    return rows


def finding_rows(ex: dict) -> list[dict]:
    """raw.findings rows (one per finding) from a successful extract dict."""
    return [
        {
            "report_id": ex["sha256"],
            "finding_seq": seq,
            "rule_id": f.get("rule"),
            "severity": f.get("severity"),
            "message": f.get("message"),
            "cells": None if f.get("cells") is None else json.dumps(f["cells"], ensure_ascii=False),
        }
        for seq, f in enumerate(ex.get("findings") or [])
    ]


def quarantine_row(ex: dict, parser_version: str, seen_at: dt.datetime, path: str) -> dict:
    """One raw.quarantine row from a failed extract dict."""
    err = ex.get("error") or {}
    return {
        "sha256": ex.get("sha256"),
        "path": path,
        "format": ex.get("format"),
        "parser_version": parser_version,
        "error_kind": err.get("kind") or "Unknown",
        "message": err.get("message") or "",
        "seen_at": seen_at,
    }


def extraction_frames(
    extractions: list[dict], parser_version: str, extracted_at: dt.datetime, paths: dict[str, list[str]] | None = None
) -> dict[str, pl.DataFrame]:
    """raw.reports, raw.figures, raw.findings and raw.quarantine frames for freshly extracted files.

    `paths` maps a sha256 to every path holding that content (the report's source_path is the first;
    each failed path gets its own quarantine row); by default the extract dict's `source`.
    """
    reports, figures, findings, quarantine, checks = [], [], [], [], []
    for ex in extractions:
        where = (paths or {}).get(ex.get("sha256")) or [ex.get("source")]
        if ex.get("status") == "ok":
            reports.append(report_row(ex, parser_version, extracted_at, where[0]))
            figures += figure_rows(ex, where[0])
            findings += finding_rows(ex)
            checks += confidence_rows.check_rows(ex)
        else:
            quarantine += [quarantine_row(ex, parser_version, extracted_at, p) for p in where]
    return {
        "reports": frame("reports", reports),
        "figures": frame("figures", figures),
        "findings": frame("findings", findings),
        "quarantine": frame("quarantine", quarantine),
        "extraction_checks": frame("extraction_checks", checks),
    }


def rules_frame() -> pl.DataFrame:
    """raw.rules from nianbao/spec/rules.csv (read by nianbao.codebook)."""
    return frame("rules", [{k: r[k] for k in RULES} for r in codebook.rules().values()])


def rule_relations_frame() -> pl.DataFrame:
    """raw.rule_relations: the rule catalogue compiled by nianbao.rules, the per-report rules and the cross-report ones
    (the warehouse's residuals and cross-year failures read only this)."""
    return frame("rule_relations", rules.compiled_rows() + rules.compiled_cross_rows())
