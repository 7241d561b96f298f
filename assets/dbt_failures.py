"""The failing rows of the dbt tests that warned or failed, read back once dbt has finished: the reports they name, as
assets/check_report.py's Markdown table on the test's asset check."""

import re
from collections.abc import Iterable, Iterator

import dagster as dg

from assets import check_report

ID_COLUMNS = ("report_id", "source_sha256")  # a column naming a report (source_sha256 equals report_id)
RENAMED = ("value_field", "from_field", "unique_field")  # dbt's accepted_values, relationships and unique tests
# select the tested column under these names
COUNTS = ("n_records", "n_rows")  # group sizes of the grain tests, not values of the model


def _rows(conn, sql: str) -> list[dict]:
    """A query's rows as dicts (the query carries its own LIMIT)."""
    cursor = conn.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _report_column(columns: Iterable[str]) -> str | None:
    """The column of a row that names its report, if any."""
    columns = list(columns)
    return next((c for c in ID_COLUMNS if c in columns), None)


def _quote(name: str) -> str:
    """A column name as a DuckDB identifier."""
    return '"' + name.replace('"', '""') + '"'


def failing_rows(conn, sql: str, node: dict, tested: dict | None, cap: int) -> tuple[list[dict], bool]:
    """(rows, from_model): at most `cap` failing rows of a test, by its compiled SQL. When they name no report (dbt's
    not_null, unique, accepted_values, relationships select only the tested column or a count) and the tested model
    has a report column, the rows of the model that hold those failing values instead (semi join, from_model)."""
    failing = f"select * from (\n{sql.strip().rstrip(';')}\n) as failing limit {int(cap)}"
    rows = _rows(conn, failing)
    relation = (tested or {}).get("relation_name")
    if not rows or _report_column(rows[0]) or not relation:
        return rows, False
    model_columns = [d[0] for d in conn.execute(f"select * from {relation} limit 0").description]
    if not _report_column(model_columns):
        return rows, False
    column = ((node.get("test_metadata") or {}).get("kwargs") or {}).get("column_name")
    keys = [(f, column if f in RENAMED else f) for f in rows[0] if f not in COUNTS]
    keys = [(f, m) for f, m in keys if m in model_columns]
    if not keys:
        return rows, False
    on = " and ".join(f"model.{_quote(m)} is not distinct from failing.{_quote(f)}" for f, m in keys)
    joined = f"select model.* from {relation} as model semi join ({failing}) as failing on {on} limit {int(cap)}"
    return _rows(conn, joined), True


def _shown(row: dict, node: dict) -> list[str]:
    """The columns of a failing row worth showing: the tested column; else those the test's expression names; else
    every column but the report's and the rule's."""
    kwargs = (node.get("test_metadata") or {}).get("kwargs") or {}
    if "null_columns" in row:  # not_null_columns: which of the tested columns are null
        return ["null_columns"]
    column = kwargs.get("column_name")
    if column:
        named = [c for c in row if c == column or (c in RENAMED and column not in row)]
        if named:
            return named
    text = " ".join(str(kwargs.get(k) or "") for k in ("expression", "condition"))
    named = [c for c in row if text and re.search(rf"\b{re.escape(c)}\b", text)]
    return named or [c for c in row if c not in (*ID_COLUMNS, "rule_id", "message", *COUNTS)]


def report_rows(rows: list[dict], node: dict) -> list[dict]:
    """check_report rows: the report, the rule (the row's rule_id, else the tested column, else the test), the row's
    message when it has one (a rule's broken relation in words) and the offending values as 'column = value'."""
    test = node.get("test_metadata") or {}
    fallback = (test.get("kwargs") or {}).get("column_name") or test.get("name") or node.get("name")
    out = []
    for row in rows:
        report = _report_column(row)
        out.append(
            {
                "report_id": str(row[report]) if report and row[report] is not None else None,
                "rule": row.get("rule_id") or fallback,
                "message": row.get("message") if isinstance(row.get("message"), str) else None,
                "value": ", ".join(f"{c} = {row[c]}" for c in _shown(row, node)),
            }
        )
    return out


def markdown(conn, sql: str, node: dict, tested: dict | None, count: int | None, cap: int, raw_dir) -> str:
    """A warned or failed test's failing reports as check_report's table; the footer gives dbt's count of failing
    rows."""
    rows, from_model = failing_rows(conn, sql, node, tested, cap)
    rows_word = "row" if count == 1 else "rows"
    counted = f"dbt counted {count:,} failing {rows_word}" if count is not None else "dbt gave no count of failing rows"
    if from_model:
        footer = f"{counted}; shown: rows of `{tested['name']}` holding the failing values (at most {cap})."
    elif count is not None and count > len(rows):
        footer = f"… and {count - len(rows):,} more failing rows ({counted})."
    else:
        footer = f"{counted}."
    return check_report.table(conn, report_rows(rows, node), raw_dir, footer)


def with_failing_reports(
    events: list, conn, manifest: dict, run_results: dict, raw_dir, cap: int = check_report.CAP
) -> Iterator:
    """Each check event of a test that warned or failed, with `failing_reports` (Markdown) in its metadata; a test
    whose rows cannot be read (no compiled SQL, a relation gone) gets the reason instead, and the run goes on."""
    compiled = {r["unique_id"]: r.get("compiled_code") for r in run_results.get("results", [])}
    for event in events:
        meta = event.metadata or {}
        uid = getattr(meta.get("unique_id"), "value", meta.get("unique_id"))
        node = manifest["nodes"].get(uid) or {}
        sql = compiled.get(uid)
        count = getattr(meta.get("dagster_dbt/failed_row_count"), "value", None)
        tested = manifest["nodes"].get(node.get("attached_node") or "")
        try:
            if not sql:
                raise ValueError(f"no compiled SQL for {uid} in run_results.json")
            text = markdown(conn, sql, node, tested, count, cap, raw_dir)
        except Exception as exc:  # a table we cannot show never fails the run
            text = _unread(exc)
        yield _with_table(event, text)


def named(events: list, connect, manifest: dict, run_results: dict, raw_dir, cap: int = check_report.CAP) -> list:
    """with_failing_reports on the warehouse that `connect()` (a context manager) opens; when it cannot be opened,
    each event says why and goes out all the same."""
    try:
        with connect() as conn:
            return list(with_failing_reports(events, conn, manifest, run_results, raw_dir, cap))
    except Exception as exc:  # the checks' verdicts matter more than their tables
        return [_with_table(event, _unread(exc)) for event in events]


def _unread(exc: Exception) -> str:
    """Why a test's failing rows are not shown."""
    return f"The failing rows could not be read: {type(exc).__name__}: {exc}"


def _with_table(event, text: str):
    """A check event with `failing_reports` in its metadata."""
    return event.with_metadata({**(event.metadata or {}), "failing_reports": dg.MetadataValue.md(text)})
