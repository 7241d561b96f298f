"""A failed check's reports as a Markdown table for the Dagster UI: report, body, year, rule, message (capped)."""

CAP = 20  # table rows at most; the rest is a count
REPORTS = """
select report_id, agency, report_year from raw.reports where report_id in (select unnest(?::varchar[]))
"""
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
            rows.append(
                {
                    "report_id": example.get("report_id"),
                    "rule": rule,
                    "column": r["column"],
                    "value": values[i] if i < len(values) else None,
                    "key": ", ".join(f"{k}={v}" for k, v in example.items() if k != "report_id"),
                }
            )
    return rows, total


def _cell(text) -> str:
    """A Markdown table cell: pipes escaped, one line, at most 80 characters."""
    text = " ".join(str("" if text is None else text).split()).replace("|", "\\|")
    return text if len(text) <= 80 else text[:79] + "…"


def markdown(conn, summary: dict, cap: int = CAP) -> str | None:
    """The failing reports of a check's summary as a Markdown table (None when nothing failed or no failure names a
    report). Body and year come from raw.reports; the message is the extractor's finding for that rule when it has
    one, else the value the expectation refused."""
    rows, total = failing(summary)
    named = [r for r in rows if r["report_id"]]
    if not named:
        return None
    shown = named[:cap]
    ids = sorted({r["report_id"] for r in shown})
    bodies = {rid: (agency, year) for rid, agency, year in conn.execute(REPORTS, [ids]).fetchall()}
    messages = {(rid, rule): msg for rid, rule, msg in conn.execute(FINDINGS, [ids]).fetchall()}
    lines = ["| report | body | year | rule | message |", "|---|---|---|---|---|"]
    for r in shown:
        agency, year = bodies.get(r["report_id"], (None, None))
        message = messages.get((r["report_id"], r["rule"])) or f"{r['column']} = {r['value']}" + (
            f" ({r['key']})" if r["key"] else ""
        )
        lines.append(
            f"| `{r['report_id'][:12]}` | {_cell(agency)} | {year or ''} | {_cell(r['rule'])} | {_cell(message)} |"
        )
    rest = max(0, total - len(shown))
    if rest:
        lines.append(f"\n… and {rest:,} more failing rows (marts.rpt_rule_failures, audit.gx_results).")
    return "\n".join(lines)
