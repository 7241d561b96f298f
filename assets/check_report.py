"""A failed check's reports as a Markdown table for the Dagster UI: report, body, year, file, rule, message (capped)."""

import os

CAP = 20  # table rows at most; the rest is a count
MESSAGE_WIDTH = 160  # characters of a message shown (a rule's message ends with both sums)
REPORTS = """
select report_id, agency, report_year, source_path from raw.reports
where report_id in (select unnest(?::varchar[]))
"""
PUBLISHED = """
select report_id, agency_name, report_year from marts.dim_reports
where report_id in (select unnest(?::varchar[]))
"""  # the body's canonical name and the year as the marts publish them, once dbt has built them
FINDINGS = """
select report_id, rule_id, min(message) from raw.findings
where report_id in (select unnest(?::varchar[])) group by all
"""


def failing(summary: dict) -> tuple[list[dict], int]:
    """(rows, unexpected in all): one row per example of each failed expectation (report_id, rule, the value GX
    saw), in the order of the suite; examples are capped by expectations.run.EXAMPLES per expectation."""
    rows, total = [], 0
    for r in summary["failed"]:
        total += r["unexpected_count"] or 0
        rule = r.get("rule") or f"{r['expectation']}({r['column']})"
        values = r.get("partial_unexpected_list") or []
        for i, example in enumerate(r.get("examples") or []):
            key = ", ".join(f"{k}={v}" for k, v in example.items() if k != "report_id")
            value = values[i] if i < len(values) else None
            rows.append(
                {
                    "report_id": example.get("report_id"),
                    "rule": rule,
                    "value": f"{r['column']} = {value}" + (f" ({key})" if key else ""),
                }
            )
    return rows, total


def _cell(text, width: int = 80) -> str:
    """A Markdown table cell: pipes escaped, one line, at most `width` characters (a longer text loses its middle: a
    message ends with the numbers that matter)."""
    text = " ".join(str("" if text is None else text).split()).replace("|", "\\|")
    return text if len(text) <= width else text[: width // 2 - 1] + "…" + text[-(width // 2) :]


def relative(path: str | None, raw_dir: str | os.PathLike | None) -> str | None:
    """A report's path relative to the raw dir (as the marts publish it); a path outside it is kept as it is."""
    if not path or not raw_dir:
        return path
    root = os.path.abspath(raw_dir)
    return os.path.relpath(path, root) if os.path.abspath(path).startswith(root + os.sep) else path


def _exists(conn, schema: str, name: str) -> bool:
    """True when schema.name is a table or view of the warehouse."""
    sql = "select count(*) from information_schema.tables where table_schema = ? and table_name = ?"
    return conn.execute(sql, [schema, name]).fetchone()[0] > 0


def table(conn, rows: list[dict], raw_dir: str | os.PathLike | None = None, footer: str | None = None) -> str:
    """The one renderer: rows ({report_id or None, rule, value, message optional}) as a Markdown table, one line each
    (identical lines once, with their count). Body and year come from marts.dim_reports (else raw.reports, before dbt
    has built it), the file (relative to raw_dir) from raw.reports; the message is the row's own, else the
    extractor's finding for that report and rule, else the row's value; `footer` follows the table."""
    ids = sorted({r["report_id"] for r in rows if r["report_id"]})
    reports = {rid: (agency, year, path) for rid, agency, year, path in conn.execute(REPORTS, [ids]).fetchall()}
    if _exists(conn, "marts", "dim_reports"):
        for rid, agency, year in conn.execute(PUBLISHED, [ids]).fetchall():
            reports[rid] = (agency, year, reports.get(rid, (None, None, None))[2])
    messages = {(rid, rule): msg for rid, rule, msg in conn.execute(FINDINGS, [ids]).fetchall()}
    counted: dict[str, int] = {}  # a line -> how many rows it stands for (the same report, rule and message)
    for r in rows:
        agency, year, path = reports.get(r["report_id"], (None, None, None))
        report = f"`{r['report_id'][:12]}`" if r["report_id"] else ""
        message = r.get("message") or messages.get((r["report_id"], r["rule"])) or r["value"]
        line = (
            f"| {report} | {_cell(agency)} | {year or ''} | {_cell(relative(path, raw_dir))} | {_cell(r['rule'])} "
            f"| {_cell(message, MESSAGE_WIDTH)}"
        )
        counted[line] = counted.get(line, 0) + 1
    head = ["| report | body | year | file | rule | message |", "|---|---|---|---|---|---|"]
    lines = head + [f"{line}{f' (×{n})' if n > 1 else ''} |" for line, n in counted.items()]
    if footer:
        lines.append(f"\n{footer}")
    return "\n".join(lines)


def markdown(conn, summary: dict, cap: int = CAP, raw_dir: str | os.PathLike | None = None) -> str | None:
    """The failing reports of a GX check's summary as a Markdown table (None when nothing failed or no failure names a
    report)."""
    rows, total = failing(summary)
    named = [r for r in rows if r["report_id"]]
    if not named:
        return None
    shown = named[:cap]
    rest = max(0, total - len(shown))
    footer = f"… and {rest:,} more failing rows (marts.rpt_rule_failures, audit.gx_results)." if rest else None
    return table(conn, shown, raw_dir, footer)
