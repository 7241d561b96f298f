"""Persist GX validation results in the warehouse: audit.gx_results (per suite run), audit.gx_expectation_results."""

import json

SUITE_COLUMNS = {  # one row per suite validation
    "validated_at": "TIMESTAMPTZ",
    "run_id": "VARCHAR",
    "asset": "VARCHAR",
    "suite": "VARCHAR",
    "success": "BOOLEAN",
    "n_rows": "BIGINT",
    "evaluated": "INTEGER",
    "passed": "INTEGER",
    "success_percent": "DOUBLE",
    "failed_json": "VARCHAR",
    "data_docs": "VARCHAR",
    "check_name": "VARCHAR",
    "blocking": "BOOLEAN",
    "errors": "INTEGER",
    "warnings": "INTEGER",
    "unexpected_total": "BIGINT",
    # the watermark the validation reached: rows loaded (raw) or built (marts) up to here were validated
    "validated_through": "TIMESTAMPTZ",
    "scope": "VARCHAR",
}
EXPECTATION_COLUMNS = {  # one row per expectation of each suite validation
    "validated_at": "TIMESTAMPTZ",
    "run_id": "VARCHAR",
    "asset": "VARCHAR",
    "suite": "VARCHAR",
    "check_name": "VARCHAR",
    "expectation_index": "INTEGER",
    "expectation": "VARCHAR",
    "column_name": "VARCHAR",
    "rule_id": "VARCHAR",
    "severity": "VARCHAR",
    "success": "BOOLEAN",
    "element_count": "BIGINT",
    "unexpected_count": "BIGINT",
    "missing_count": "BIGINT",
    "observed_json": "VARCHAR",
}


def ensure_tables(conn) -> None:
    """Create the audit tables, adding columns introduced since an older warehouse created them (one query when
    nothing is missing, as on every run but the first)."""
    present = set(
        conn.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_catalog = current_database() and table_schema = 'audit'"
        ).fetchall()
    )
    for table, columns in (("gx_results", SUITE_COLUMNS), ("gx_expectation_results", EXPECTATION_COLUMNS)):
        missing = {c: t for c, t in columns.items() if (table, c) not in present}
        if not missing:
            continue
        conn.execute("create schema if not exists audit")
        cols = ", ".join(f"{c} {t}" for c, t in columns.items())
        conn.execute(f"create table if not exists audit.{table} ({cols})")
        for c, t in missing.items():
            conn.execute(f"alter table audit.{table} add column if not exists {c} {t}")


def _insert(conn, table: str, rows: list[dict]) -> None:
    """Append rows (dicts with the same keys) in one statement."""
    if not rows:
        return
    names = ", ".join(rows[0])
    values = ", ".join("(" + ", ".join("?" for _ in rows[0]) + ")" for _ in rows)
    conn.execute(f"insert into audit.{table} ({names}) values {values}", [v for row in rows for v in row.values()])


def last_validated(conn, suite: str):
    """The watermark of the suite's last validation without an error-level failure (None: validate everything).

    A failed validation does not advance it, so the rows it failed on are validated again on the next run."""
    ensure_tables(conn)
    return conn.execute(
        "select max(validated_through) from audit.gx_results where suite = ? and success", [suite]
    ).fetchone()[0]


def record(
    conn,
    run_id: str,
    asset: str,
    summary: dict,
    check_name: str | None = None,
    blocking: bool | None = None,
    validated_through=None,
    scope: str | None = None,
) -> None:
    """Append one validation summary and each of its expectation results."""
    ensure_tables(conn)
    dumps = lambda v: json.dumps(v, ensure_ascii=False, default=str)  # noqa: E731
    base = {"validated_at": summary["validated_at"], "run_id": run_id, "asset": asset, "suite": summary["suite"]}
    _insert(
        conn,
        "gx_results",
        [
            base
            | {
                "success": summary["success"],
                "n_rows": summary["rows"],
                "evaluated": summary["evaluated"],
                "passed": summary["passed"],
                "success_percent": summary["success_percent"],
                "failed_json": dumps(summary["failed"]),
                "data_docs": summary["data_docs"],
                "check_name": check_name,
                "blocking": blocking,
                "errors": summary.get("errors"),
                "warnings": summary.get("warnings"),
                "unexpected_total": sum(r["unexpected_count"] or 0 for r in summary.get("results", [])),
                "validated_through": validated_through,
                "scope": scope,
            }
        ],
    )
    rows = []
    for i, r in enumerate(summary.get("results", [])):
        observed = {k: r[k] for k in ("observed_value", "partial_unexpected_list", "examples", "exception")}
        rows.append(
            base
            | {
                "check_name": check_name,
                "expectation_index": i,
                "expectation": r["expectation"],
                "column_name": r["column"],
                "rule_id": r["rule"],
                "severity": r["severity"],
                "success": r["success"],
                "element_count": r["element_count"],
                "unexpected_count": r["unexpected_count"],
                "missing_count": r["missing_count"],
                "observed_json": dumps(observed),
            }
        )
    _insert(conn, "gx_expectation_results", rows)
