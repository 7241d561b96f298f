"""BI snapshot: copy the marts into bi/nianbao.duckdb atomically (only what changed), after the blocking checks pass."""

import os
import shutil
import time
from pathlib import Path

import dagster as dg
import duckdb as ddb
from dagster_duckdb import DuckDBResource

from assets.resources import NianbaoSettings

MARTS = (
    ["marts", "fct_report_figures"],
    ["marts", "dim_reports"],
    ["marts", "fct_findings"],
    ["marts", "dim_report_files"],
    ["marts", "dim_agencies"],
    ["marts", "fct_applications"],
    ["marts", "fct_proactive_disclosure"],
    ["marts", "fct_review_litigation"],
    ["marts", "fct_legacy_statistics"],
    ["marts", "rpt_agency_year"],
    ["marts", "rpt_rule_failures"],
    ["marts", "rpt_report_quality"],
)
SNAPSHOT_SCHEMAS = ("marts",)  # the published data only: the same inputs give the same snapshot tables
AUDIT_SCHEMAS = ("audit",)  # the GX validation history (grows every run): bi/gx_audit.duckdb, beside the snapshot


# the column each marts table is rebuilt by (dbt's delete_scope) and the state table that records when each of its
# keys was last rewritten (built_through); tables not listed are copied whole
REPORTS = "state.mart_state__reports"  # report -> the dbt build that last rewrote its rows
BODIES = "state.mart_state__expected_bodies"  # expected body -> the same, for the coverage marts
STATE_KEYS = {REPORTS: "report_id", BODIES: "body_id"}  # each state table's key column
DELTA_KEYS = {
    "fct_report_figures": ("report_id", REPORTS),
    "dim_reports": ("report_id", REPORTS),
    "fct_findings": ("report_id", REPORTS),
    "dim_report_files": ("source_sha256", REPORTS),
    "fct_applications": ("report_id", REPORTS),
    "fct_proactive_disclosure": ("report_id", REPORTS),
    "fct_review_litigation": ("report_id", REPORTS),
    "fct_legacy_statistics": ("report_id", REPORTS),
    "rpt_agency_year": ("report_id", REPORTS),
    "rpt_rule_failures": ("report_id", REPORTS),
    "rpt_report_quality": ("report_id", REPORTS),
    "dim_expected_bodies": ("body_id", BODIES),
    "rpt_publication_status": ("body_id", BODIES),
    "rpt_missing_publishers": ("body_id", BODIES),
}


def _columns(con, db: str, schema: str, table: str) -> list[tuple]:
    return con.execute(
        "select column_name, data_type from duckdb_columns() where database_name = ? "
        "and schema_name = ? and table_name = ? order by column_index",
        [db, schema, table],
    ).fetchall()


def _quote(text: str) -> str:
    """A SQL string literal (COMMENT ON takes no parameters)."""
    return "'" + text.replace("'", "''") + "'"


def copy_comments(con, schema: str, table: str) -> None:
    """The table's and its columns' comments (dbt persist_docs: labels and grain) from src onto bi's copy: a copy
    by CREATE TABLE AS starts without them, and a copy updated in place keeps stale ones. Only the comments that
    differ are written (each COMMENT ON is a catalog change)."""
    where = "schema_name = ? and table_name = ?"
    [(now, before)] = con.execute(
        f"select (select comment from duckdb_tables() where database_name = 'src' and {where}), "
        f"(select comment from duckdb_tables() where database_name = 'bi' and {where})",
        [schema, table, schema, table],
    ).fetchall()
    if now != before:
        con.execute(f'comment on table bi.{schema}."{table}" is {_quote(now) if now else "null"}')
    for column, comment in con.execute(
        "select s.column_name, s.comment from duckdb_columns() s left join duckdb_columns() b "
        "on b.database_name = 'bi' and b.schema_name = s.schema_name and b.table_name = s.table_name "
        "and b.column_name = s.column_name where s.database_name = 'src' and s.schema_name = ? and s.table_name = ? "
        "and b.comment is distinct from s.comment",
        [schema, table],
    ).fetchall():
        quoted = column.replace('"', '""')
        con.execute(f'comment on column bi.{schema}."{table}"."{quoted}" is {_quote(comment) if comment else "null"}')


def spare_path(target: str | os.PathLike) -> Path:
    """The spare beside the snapshot: the previous snapshot's file, brought up to date and swapped in next time."""
    target = Path(target)
    return target.with_name(target.name + ".spare")


def file_identity(path: str | os.PathLike) -> tuple[int, int, int] | None:
    """(inode, mtime_ns, size) of a file: which published snapshot a file still is (None: absent)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


def _attach_writable(con, path: Path) -> bool:
    """ATTACH path as bi for writing; False when a reader holds it (DuckDB's file lock) or it cannot be opened."""
    try:
        con.execute(f"attach '{path}' as bi")
        return True
    except ddb.Error:
        return False


def _rebuilt_keys(con, since) -> dict[str, str]:
    """For each state table of DELTA_KEYS that knows every build after `since`: a temp table of the keys rewritten
    after it. A state table that started after `since` (added by an upgrade) is left out: its tables are copied."""
    out = {}
    for n, (state, key) in enumerate(sorted(STATE_KEYS.items())):
        schema, name = state.split(".")
        exists = con.execute(
            "select count(*) from duckdb_tables() where database_name = 'src' and schema_name = ? and table_name = ?",
            [schema, name],
        ).fetchone()[0]
        if not exists:
            continue
        first = con.execute(f"select min(built_through) from src.{state}").fetchone()[0]
        if first is None or first > since:
            continue
        con.execute(
            f"create or replace temp table rebuilt_{n} as select {key} as key from src.{state} where built_through > ?",
            [since],
        )
        out[state] = f"rebuilt_{n}"
    return out


def _fill(con, schemas, delta: bool, since) -> dict[str, int]:
    """Bring database `bi` to the marts of `src`: with delta, only the rows of the reports and bodies rebuilt after
    `since` (DELTA_KEYS) are replaced; other tables are copied whole. Comments follow; returns the row count per table."""
    tables = con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = 'src' "
        f"and schema_name in ({', '.join('?' for _ in schemas)}) order by 1, 2",
        list(schemas),
    ).fetchall()
    published = con.execute("select schema_name, table_name from duckdb_tables() where database_name = 'bi'").fetchall()
    for schema, table in set(published) - set(tables):
        con.execute(f'drop table bi.{schema}."{table}"')
    for schema in schemas:
        con.execute(f"create schema if not exists bi.{schema}")
    rebuilt = _rebuilt_keys(con, since) if delta else {}
    counts: dict[str, int] = {}
    for schema, table in tables:
        key, state = DELTA_KEYS.get(table, (None, None)) if schema == "marts" else (None, None)
        if (
            state in rebuilt
            and (schema, table) in published
            and _columns(con, "bi", schema, table) == _columns(con, "src", schema, table)
        ):
            keys = rebuilt[state]
            con.execute(f'delete from bi.{schema}."{table}" where {key} in (select key from {keys})')
            # two passes over src: the rowids of the rebuilt rows (one column scanned), then those rows' columns; a
            # single `where key in (…)` would read every column of every row (seconds on a national fact table)
            con.execute(
                f'insert into bi.{schema}."{table}" select * from src.{schema}."{table}" where rowid in '
                f'(select rowid from src.{schema}."{table}" where {key} in (select key from {keys}))'
            )
        else:
            con.execute(f'create or replace table bi.{schema}."{table}" as select * from src.{schema}."{table}"')
        copy_comments(con, schema, table)
        counts[f"{schema}.{table}"] = con.execute(f'select count(*) from bi.{schema}."{table}"').fetchone()[0]
    return counts


def publish(
    warehouse: str | os.PathLike,
    target: str | os.PathLike,
    schemas=SNAPSHOT_SCHEMAS,
    since=None,
    attach: list[str] | None = None,
    spare_since=None,
    keep_spare: bool = True,
    how: dict | None = None,
    memory_limit: str = "1GB",
) -> dict[str, int]:
    """Copy every table of `schemas` from the warehouse (opened READ_ONLY) into target, swapped in by os.replace,
    with the tables' and columns' comments (the dbt descriptions: Chinese labels, grain).

    `since` is the dbt build the snapshot at target holds (state.mart_state__reports.built_through), `spare_since`
    the build the spare beside it holds (the snapshot before: see spare_path). With `spare_since`, the spare is
    updated in place with the rows of the reports rebuilt after it and swapped in, and the replaced snapshot
    becomes the next spare (unless not keep_spare): no file is copied. Without it (or when a reader still holds the spare), target is
    copied and updated the same way (`since`); with neither, every table is copied. Readers holding the old
    snapshot keep their (old) file; new connections see the new one. DuckDB's cache of the warehouse's blocks is
    held to `memory_limit` (its default, 80% of RAM, made a full copy at 150,000 reports the run's peak). Returns
    the row count per copied table;
    `how`, when given, gets the way it went ("mode") and the seconds it took.
    """
    started = time.monotonic()
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp, spare = target.with_name(target.name + ".tmp"), spare_path(target)
    kept = target.with_name(target.name + ".kept")  # the snapshot being replaced, on its way to be the spare
    for stale in (tmp, tmp.with_name(tmp.name + ".wal"), kept, spare.with_name(spare.name + ".wal")):
        stale.unlink(missing_ok=True)
    con = ddb.connect(":memory:", config={"memory_limit": memory_limit})
    try:
        if str(warehouse).startswith("ducklake:"):  # the DuckLake (NIANBAO_CATALOG): its extensions, then ATTACH
            for statement in attach or []:  # settings.source_attach, built by the code location
                con.execute(statement)
        else:
            con.execute(f"attach '{warehouse}' as src (read_only)")
        has_state = (
            con.execute(
                "select count(*) from duckdb_tables() where database_name = 'src' "
                "and schema_name = 'state' and table_name = 'mart_state__reports'"
            ).fetchone()[0]
            > 0
        )
        in_place = has_state and spare_since is not None and target.exists() and spare.exists()
        in_place = in_place and _attach_writable(con, spare)
        if in_place:
            work, delta, from_build = spare, True, spare_since
            mode = "the spare updated in place with the rows rebuilt since its build"
        else:
            delta = has_state and since is not None and target.exists()
            if delta:
                shutil.copyfile(target, tmp)
            work, from_build = tmp, since
            mode = "a copy updated with the rows rebuilt since its build" if delta else "every table copied"
            con.execute(f"attach '{tmp}' as bi")
        counts = _fill(con, schemas, delta, from_build)
        con.execute("detach bi")
        con.execute("detach src")
    finally:
        con.close()
    if keep_spare and target.exists():
        os.link(target, kept)  # the snapshot readers hold now stays on disk as the next spare
    os.replace(work, target)
    if kept.exists():
        os.replace(kept, spare)
    if how is not None:
        how.update(mode=mode, seconds=round(time.monotonic() - started, 2))
    return counts


def built_through(conn):
    """The dbt build the marts hold now (None when the warehouse has no incremental state)."""
    exists = conn.execute(
        "select count(*) from information_schema.tables where table_schema = 'state' "
        "and table_name = 'mart_state__reports'"
    ).fetchone()[0]
    return conn.execute(f"select max(built_through) from {REPORTS}").fetchone()[0] if exists else None


def _audit_table(conn) -> None:
    """audit.bi_snapshots: one row per publication, with the file's identity (file_identity) to know the spare."""
    conn.execute("create schema if not exists audit")
    conn.execute(
        "create table if not exists audit.bi_snapshots (published_at TIMESTAMPTZ, path VARCHAR, "
        "built_through TIMESTAMPTZ, mode VARCHAR)"
    )
    for column in ("inode", "mtime_ns", "size"):
        conn.execute(f"alter table audit.bi_snapshots add column if not exists {column} BIGINT")


def published_through(conn, target: Path):
    """The dbt build the published snapshot at target holds (None: publish everything)."""
    _audit_table(conn)
    if not target.exists():
        return None
    return conn.execute(
        "select max_by(built_through, published_at) from audit.bi_snapshots where path = ?", [str(target)]
    ).fetchone()[0]


def spare_through(conn, target: Path):
    """The dbt build the spare beside target holds: that of the publication whose file it still is (None: unknown,
    changed since, or absent)."""
    _audit_table(conn)
    identity = file_identity(spare_path(target))
    if identity is None:
        return None
    return conn.execute(
        "select max_by(built_through, published_at) from audit.bi_snapshots "
        "where path = ? and inode = ? and mtime_ns = ? and size = ?",
        [str(target), *identity],
    ).fetchone()[0]


@dg.asset(
    key=["bi", "snapshot"],
    group_name="bi",
    kinds={"duckdb"},
    pool="duckdb_writer",
    deps=[dg.AssetKey(k) for k in MARTS],
)
def bi_snapshot(
    context: dg.AssetExecutionContext, duckdb: DuckDBResource, settings: NianbaoSettings
) -> dg.MaterializeResult:
    """One file, bi/nianbao.duckdb: a copy of every marts table for BI tools, published after blocking checks pass."""
    target = Path(settings.snapshot_path)
    with duckdb.get_connection() as conn:
        since = None if settings.full_refresh else published_through(conn, target)
        spare_since = None if since is None else spare_through(conn, target)
        through = built_through(conn)
    how: dict = {}
    counts = publish(
        duckdb.database,
        target,
        since=since,
        attach=settings.source_attach,
        spare_since=spare_since,
        how=how,
        memory_limit=settings.duckdb_memory_limit,
    )
    publish(
        duckdb.database,
        target.with_name("gx_audit.duckdb"),
        AUDIT_SCHEMAS,
        attach=settings.source_attach,
        keep_spare=False,
        memory_limit=settings.duckdb_memory_limit,
    )
    mode = how["mode"]
    context.log.info(f"snapshot: {mode}, {how['seconds']:.1f} s")
    with duckdb.get_connection() as conn:  # recorded once the file is in place: a lagging record only costs work
        conn.execute(
            "insert into audit.bi_snapshots (published_at, path, built_through, mode, inode, mtime_ns, size) "
            "values (now(), ?, ?, ?, ?, ?, ?)",
            [str(target), through, mode, *file_identity(target)],
        )
    return dg.MaterializeResult(
        metadata={"path": str(target), "copied": mode, "seconds": how["seconds"], **dict(counts.items())}
    )
