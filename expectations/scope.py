"""What a row-level suite validates: the rows written since its last validation (raw by loaded_at, marts by build)."""

RAW = "raw"  # raw.* rows carry loaded_at; the watermark is max(raw.load_log.loaded_at)
MARTS = "marts"  # mart rows belong to reports; state.mart_state__reports says which build wrote each report


def has_table(conn, schema: str, table: str) -> bool:
    """True when schema.table exists."""
    return (
        conn.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, table]
        ).fetchone()[0]
        > 0
    )


def has_column(conn, schema: str, table: str, column: str) -> bool:
    """True when schema.table has the column."""
    return (
        conn.execute(
            "select count(*) from information_schema.columns where table_schema = ? and table_name = ? "
            "and column_name = ?",
            [schema, table, column],
        ).fetchone()[0]
        > 0
    )


def watermark(conn, kind: str):
    """How far the data a suite of this kind reads has been written now (None when the warehouse cannot say)."""
    if kind == MARTS:
        if not has_table(conn, "state", "mart_state__reports"):
            return None
        return conn.execute("select max(built_through) from state.mart_state__reports").fetchone()[0]
    if not has_table(conn, "raw", "load_log"):
        return None
    return conn.execute("select max(loaded_at) from raw.load_log").fetchone()[0]


def raw_rows(conn, table: str, since, alias: str = "") -> tuple[str, list]:
    """A WHERE clause (and its parameters) for the rows of a raw table loaded after `since` (all when None)."""
    if since is None or not has_column(conn, "raw", table, "loaded_at"):
        return "true", []
    return f"{alias + '.' if alias else ''}loaded_at > ?", [since]


def mart_rows(conn, since, column: str = "report_id", table: str | None = None) -> tuple[str, list]:
    """A WHERE clause (and its parameters) for the mart rows of reports built after `since` (all when None).

    With `table` (the query's only table), the rows are found by rowid: one column is scanned to find them, then
    only those rows are read; `report_id in (…)` alone reads every column of every row of a national fact table."""
    if since is None or not has_table(conn, "state", "mart_state__reports"):
        return "true", []
    built = f"{column} in (select report_id from state.mart_state__reports where built_through > ?)"
    if table is None:
        return built, [since]
    return f"rowid in (select rowid from {table} where {built})", [since]
