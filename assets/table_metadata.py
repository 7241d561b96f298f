"""Row counts and column schemas of warehouse tables as Dagster metadata (dagster/row_count, dagster/column_schema)."""

from collections.abc import Iterable, Mapping

import dagster as dg

COLUMNS = """
select schema_name, table_name, column_name, data_type, is_nullable, comment
from duckdb_columns() where database_name = current_database()
order by schema_name, table_name, column_index
"""
KINDS = """
select schema_name, table_name, 'table' from duckdb_tables() where database_name = current_database()
union all
select schema_name, view_name, 'view' from duckdb_views() where database_name = current_database() and not internal
"""


def as_metadata(columns: Iterable[tuple], row_count: int | None = None) -> dict:
    """dagster/column_schema from (name, type[, description[, nullable]]) tuples, and dagster/row_count if known."""
    schema = dg.TableSchema(
        columns=[
            dg.TableColumn(
                name=c[0],
                type=c[1] or "?",
                description=(c[2] if len(c) > 2 else None) or None,
                constraints=dg.TableColumnConstraints(nullable=bool(c[3])) if len(c) > 3 else None,
            )
            for c in columns
        ]
    )
    return {"dagster/column_schema": schema} | ({} if row_count is None else {"dagster/row_count": int(row_count)})


def table_metadata(
    conn, relations: Iterable[tuple[str, str]], descriptions: Mapping[tuple[str, str], Mapping[str, str]] | None = None
) -> dict[tuple, dict]:
    """(schema, table) -> {dagster/column_schema, dagster/row_count} for each relation that exists.

    Column descriptions come from the column's comment in DuckDB, else from `descriptions[(schema, table)]` (the
    dbt YAML). Views get their schema only: counting a view runs its query (dagster-dbt does the same).
    """
    wanted = set(relations)
    if not wanted:
        return {}
    kinds = {(s, t): k for s, t, k in conn.execute(KINDS).fetchall() if (s, t) in wanted}
    columns: dict[tuple, list[tuple]] = {}
    for schema, table, name, dtype, nullable, comment in conn.execute(COLUMNS).fetchall():
        if (schema, table) in kinds:
            described = (descriptions or {}).get((schema, table), {}).get(name)
            columns.setdefault((schema, table), []).append((name, dtype, comment or described, nullable))
    out = {}
    for (schema, table), kind in kinds.items():
        count = conn.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[0] if kind == "table" else None
        out[(schema, table)] = as_metadata(columns.get((schema, table), []), count)
    return out
