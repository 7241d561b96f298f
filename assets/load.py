"""Load: the raw.* writer. Each parsed chunk commits in its own transaction; the run's closing step records copies,
removed files and the rules, then materializes the raw.* assets with counts (and reports per year)."""

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import polars as pl
import pyarrow as pa
from dagster_duckdb import DuckDBResource

from assets import table_metadata
from assets.resources import NianbaoSettings
from nianbao import batch, frames, listing

RAW_TABLES = ("documents", "reports", "figures", "findings", "quarantine", "rules", "extraction_checks")
GRAINS = {
    "documents": "One row per file path and content (sha256) ever seen; the parse cache.",
    "reports": "One row per parsed report (report_id = sha256 of the source file), latest parse.",
    "figures": "One row per report and table cell (prose metrics included).",
    "findings": "One row per report and consistency finding.",
    "quarantine": "One row per failed file (content and path) and parser version.",
    "rules": "One row per consistency rule of rules.csv.",
    "extraction_checks": "One row per report × failed rule × cell read twice (verdict), and per cell in doubt.",
}
# the key columns a chunk replaces in each table (the tables of BY_REPORT: by report_id)
REPLACE_KEYS = {"quarantine": ("sha256", "path", "parser_version"), "documents": ("sha256", "path")}
BY_REPORT = ("figures", "findings", "extraction_checks", "reports")
# a documents / quarantine row written again unchanged keeps its loaded_at (only these columns count as a change)
SAME_ROW = {
    "documents": ("status", "parser_version", "error_kind", "error_message", "extracted_at", "format"),
    "quarantine": ("error_kind", "message", "format"),
}
# run failures, retried on the next run (batch.TRANSIENT_ERRORS), as a SQL list
TRANSIENT_SQL = ", ".join(f"'{k}'" for k in sorted(batch.TRANSIENT_ERRORS))
IN_SCAN = "exists (select 1 from raw.scan s where s.sha256 = raw.documents.sha256 and s.path = raw.documents.path)"


def prepare(conn, memory_limit: str = "1GB") -> None:
    """Create the raw schema's tables (and columns added since a table was created); cap DuckDB's memory."""
    conn.execute(f"set memory_limit = '{memory_limit}'")
    conn.execute("create schema if not exists raw")
    for t in frames.SCHEMAS:
        conn.execute(frames.create_table_sql(t))
        for column, dtype in frames.SCHEMAS[t].items():
            conn.execute(f'alter table raw.{t} add column if not exists "{column}" {frames.duckdb_type(dtype)}')


SCAN_COLUMNS = ("path", "sha256", "size", "path_hex", "error_kind", "error_message", "scan_seq", "stat_key")


def scan_frame(files: list[batch.RawFile], first_seq: int = 0) -> pl.DataFrame:
    """raw.scan rows of some entries, numbered in order from first_seq (scanned_at apart)."""
    return pl.DataFrame(
        {
            "path": [f.path for f in files],
            "sha256": [f.sha256 for f in files],
            "size": [f.size for f in files],
            "path_hex": [f.path_hex for f in files],
            "error_kind": [f.error_kind for f in files],
            "error_message": [batch.clean_text(f.error_message) for f in files],
            "scan_seq": range(first_seq, first_seq + len(files)),
            "stat_key": [f.stat_key or None for f in files],
        },
        schema={k: frames.SCAN[k] for k in SCAN_COLUMNS},
    )


@contextmanager
def transaction(conn) -> Iterator[None]:
    """One DuckDB transaction: committed when the block ends, rolled back when it raises."""
    conn.execute("begin transaction")
    try:
        yield
    except BaseException:
        conn.execute("rollback")
        raise
    conn.execute("commit")


def write_scan(conn, files: list[batch.RawFile], now: dt.datetime) -> None:
    """Replace raw.scan with the files under the raw dir now (one transaction): a full scan."""
    scan = scan_frame(files)
    with transaction(conn):
        conn.execute("delete from raw.scan")
        conn.register("scan_frame", scan.with_columns(scanned_at=pl.lit(now, frames.UTC_TS)).to_arrow())
        conn.execute("insert into raw.scan by name select * from scan_frame")
        conn.unregister("scan_frame")


def scan_changes(conn, files: listing.Listing) -> tuple[list[str], list[str]]:
    """The listed files against raw.scan in one join: the files to read (new, or changed since the last scan: no row
    of their path holds a hash taken under their stat key), in discovery's order, and the paths of the rows no
    longer listed (gone, or problems discovery recorded that are no longer there)."""
    conn.register("listed_files", files.files)
    try:
        rows = conn.execute(
            """select l.path, s.path from listed_files l full outer join raw.scan s on s.path = l.path
            where l.path is null or s.path is null or s.error_kind is not null
               or s.stat_key is distinct from l.stat_key"""
        ).fetchall()
    finally:
        conn.unregister("listed_files")
    to_read = sorted((listed for listed, _ in rows if listed is not None), key=listing.discovery_order)
    return to_read, [scanned for listed, scanned in rows if listed is None]


def update_scan(conn, gone: list[str], read: list[batch.RawFile], now: dt.datetime) -> dict[str, int]:
    """raw.scan brought up to date (one transaction): the rows of `gone` paths and of the files read again are
    deleted, the files read (`read`) are inserted after the last scan_seq with scanned_at `now`; the rows of
    unchanged files stay as they are. Returns the counts of rows deleted and inserted."""
    frame = scan_frame(read)
    with transaction(conn):
        conn.register("scan_frame", frame.with_columns(scanned_at=pl.lit(now, frames.UTC_TS)).to_arrow())
        conn.register("gone_paths", pa.table({"path": pa.array(gone, pa.string())}))
        deleted = conn.execute(
            "delete from raw.scan where path in (select path from scan_frame union all select path from gone_paths)"
        ).fetchone()[0]
        first = conn.execute("select coalesce(max(scan_seq) + 1, 0) from raw.scan").fetchone()[0]
        conn.execute(
            "insert into raw.scan by name select * replace (scan_seq + $first as scan_seq) from scan_frame",
            {"first": first},
        )
        conn.unregister("scan_frame")
        conn.unregister("gone_paths")
    return {"deleted": deleted, "inserted": frame.height}


def scan_counts(conn) -> dict[str, int]:
    """Entries, distinct contents, bytes and problem entries of raw.scan."""
    files, contents, size, problems = conn.execute(
        "select count(*), count(distinct sha256), coalesce(sum(size), 0), count(error_kind) from raw.scan"
    ).fetchone()
    return {"files": files, "distinct_contents": contents, "bytes": int(size), "problem_entries": problems}


def known_hashes(conn, full_refresh: bool = False) -> dict[str, str]:
    """stat_key -> sha256 of the files the last ingest hashed (empty before the first, or after `make rebuild`)."""
    if full_refresh:
        return {}
    rows = conn.execute(
        "select stat_key, sha256 from raw.scan where stat_key is not null and error_kind is null"
    ).fetchall()
    return dict(rows)


def read_scan(conn) -> list[batch.RawFile]:
    """The entries of the last ingest, in scan order (a non-UTF-8 name opens by its bytes, kept as path_hex)."""
    rows = conn.execute(
        "select path, sha256, size, path_hex, error_kind, error_message from raw.scan order by scan_seq"
    ).fetchall()
    return [
        batch.RawFile(path, sha, size, os.fsdecode(bytes.fromhex(hexed)) if hexed else "", kind, message)
        for path, sha, size, hexed, kind, message in rows
    ]


def scan_to_parse(conn, parser_version: str) -> tuple[list[batch.RawFile], int]:
    """The entries of the last ingest whose content is not yet extracted with this parser version (a run failure
    does not count), every path of such a content, and the entries discovery could not read (recorded afresh on
    every run), in scan order; and the number of entries in the scan. A join in the warehouse: the plan of a run
    over a national scan reads only what it parses."""
    rows = conn.execute(
        f"""select path, sha256, size, path_hex, error_kind, error_message from raw.scan s
        where s.error_kind is not null or not exists (select 1 from raw.documents d
            where d.sha256 = s.sha256 and d.parser_version = ? and coalesce(d.error_kind, '') not in ({TRANSIENT_SQL}))
        order by scan_seq""",
        [parser_version],
    ).fetchall()
    total = conn.execute("select count(*) from raw.scan").fetchone()[0]
    files = [
        batch.RawFile(path, sha, size, os.fsdecode(bytes.fromhex(hexed)) if hexed else "", kind, message)
        for path, sha, size, hexed, kind, message in rows
    ]
    return files, total


def known_contents(conn, parser_version: str) -> set[str]:
    """Contents (sha256) already extracted with this parser version, whose outcome is not a run failure."""
    return {
        r[0]
        for r in conn.execute(
            "select distinct sha256 from raw.documents where parser_version = ? "
            f"and coalesce(error_kind, '') not in ({TRANSIENT_SQL})",
            [parser_version],
        ).fetchall()
    }


def next_loaded_at(conn) -> dt.datetime:
    """Now, or just after the last loaded_at in raw.load_log: loaded_at strictly increases in commit order."""
    now = dt.datetime.now(dt.UTC)
    last = conn.execute("select max(loaded_at) from raw.load_log").fetchone()[0]
    if last is not None and last >= now:
        return last + dt.timedelta(microseconds=1)
    return now


def _insert(conn, table: str, df: pl.DataFrame, loaded_at: dt.datetime) -> None:
    """Insert a chunk's frame; rows of LOADED_AT_TABLES get the chunk's loaded_at, or keep theirs (kept_<table>)."""
    if df.height == 0:
        return
    if table in frames.LOADED_AT_TABLES:
        df = df.with_columns(loaded_at=pl.lit(loaded_at, frames.UTC_TS))
    conn.register("chunk_frame", df.to_arrow())
    if table in SAME_ROW:
        on = " and ".join(f"k.{c} = b.{c}" for c in REPLACE_KEYS[table])
        conn.execute(
            f"insert into raw.{table} by name select b.* replace (coalesce(k.loaded_at, b.loaded_at) as "
            f"loaded_at) from chunk_frame b left join kept_{table} k on {on}"
        )
    else:
        conn.execute(f"insert into raw.{table} by name select * from chunk_frame")
    conn.unregister("chunk_frame")


def _keep_unchanged(conn, table: str, df: pl.DataFrame) -> None:
    """kept_<table>: the loaded_at of the rows of `table` the chunk writes again unchanged (SAME_ROW), then delete
    every row the chunk replaces."""
    keys = list(REPLACE_KEYS[table])
    conn.register("chunk_keys", df.select(keys + list(SAME_ROW[table])).to_arrow())
    match = " and ".join(f"old.{k} = chunk_keys.{k}" for k in keys)
    same = " and ".join(f"old.{c} is not distinct from chunk_keys.{c}" for c in SAME_ROW[table])
    current = "old.is_current and " if table == "documents" else ""
    conn.execute(
        f"create or replace temp table kept_{table} as select {', '.join('old.' + k for k in keys)}, "
        f"old.loaded_at from raw.{table} old inner join chunk_keys on {match} where {current}{same}"
    )
    match = " and ".join(f"raw.{table}.{k} = chunk_keys.{k}" for k in keys)
    conn.execute(f"delete from raw.{table} where exists (select 1 from chunk_keys where {match})")
    conn.unregister("chunk_keys")


def write_chunk(
    conn, tables: dict[str, pl.DataFrame], contents: list[str], run_id: str, chunk_seq: int, started_at: dt.datetime
) -> dict:
    """Commit one parsed chunk in one transaction: its contents replace their old rows, every row gets the chunk's
    loaded_at (but documents and quarantine rows written again unchanged keep theirs), a content parsed again is
    no longer quarantined at this parser version, and raw.load_log gets the chunk's row. Returns that row."""
    conn.execute("begin transaction")
    try:
        loaded_at = next_loaded_at(conn)
        conn.register("chunk_contents", pl.DataFrame({"sha256": contents}, schema={"sha256": pl.String}).to_arrow())
        # figures, findings and checks exist only beside their report: delete only for contents parsed before
        stale = conn.execute(
            "select count(*) from raw.reports where report_id in (select sha256 from chunk_contents)"
        ).fetchone()[0]
        if stale:
            for t in BY_REPORT:
                conn.execute(f"delete from raw.{t} where report_id in (select sha256 from chunk_contents)")
        for t in REPLACE_KEYS:  # (first: a failure met again keeps its quarantine row's loaded_at)
            _keep_unchanged(conn, t, tables[t])
        # a content parsed again (a run fault retried) is no longer quarantined at this parser version
        versions = tables["documents"]["parser_version"].unique().to_list()
        if versions:
            conn.execute(
                "delete from raw.quarantine where sha256 in (select sha256 from chunk_contents) and "
                f"parser_version in ({', '.join('?' for _ in versions)})",
                versions,
            )
        conn.unregister("chunk_contents")
        for t in (*frames.LOADED_AT_TABLES, "extraction_checks"):
            _insert(conn, t, tables[t], loaded_at)
        log = _log_chunk(
            conn,
            run_id,
            chunk_seq,
            loaded_at,
            started_at,
            tables["documents"].height,
            tables["reports"].height,
            tables["figures"].height,
        )
        conn.execute("commit")
    except Exception:
        conn.execute("rollback")
        raise
    return log


def _log_chunk(conn, run_id, chunk_seq, loaded_at, started_at, n_documents, n_reports, n_figures) -> dict:
    """Append a chunk's row to raw.load_log inside the caller's transaction (what resume counts as committed)."""
    log = {
        "run_id": run_id,
        "chunk_seq": chunk_seq,
        "loaded_at": loaded_at,
        "n_documents": n_documents,
        "n_reports": n_reports,
        "n_figures": n_figures,
        "started_at": started_at,
        "finished_at": dt.datetime.now(dt.UTC),
    }
    conn.register("log_row", frames.frame("load_log", [log]).to_arrow())
    conn.execute("insert into raw.load_log by name select * from log_row")
    conn.unregister("log_row")
    return log


def finish(conn, parser_version: str, run_id: str, chunk_seq: int, started_at: dt.datetime) -> dict:
    """The run's closing transaction, in SQL against raw.scan: new paths of known contents get documents rows (and
    quarantine rows when the content failed), files gone from the raw dir are marked not current and files back
    are current again (both with the new loaded_at), every file seen gets seen_at, and raw.rules and raw.rule_relations (the compiled rule catalogue)
    are rewritten."""
    conn.execute("begin transaction")
    try:
        loaded_at = next_loaded_at(conn)
        params = {"v": parser_version, "at": loaded_at}
        # a path whose row is of another parser version, while its content has a row of this one: replaced
        conn.execute(
            f"""delete from raw.documents where parser_version <> $v and {IN_SCAN}
            and sha256 in (select sha256 from raw.documents where parser_version = $v)""",
            {"v": parser_version},
        )
        # raw.scan against raw.documents once (by path and content): what is new, gone, back or seen
        conn.execute(
            """create or replace temp table scan_match as
            select d.rowid as doc_row, d.is_current, s.rowid as scan_row
            from raw.scan s full outer join raw.documents d on d.sha256 = s.sha256 and d.path = s.path"""
        )
        # the scan's rows with no documents row: the latest outcome of their contents is ranked for them only
        added = conn.execute(
            """insert into raw.documents by name
            with fresh as (select sha256, path, size, path_hex from raw.scan
                           where rowid in (select scan_row from scan_match where doc_row is null))
            select s.sha256, s.path, s.size, d.format, d.parser_version, d.status, d.error_kind, d.error_message,
                   d.extracted_at, $at as seen_at, true as is_current, s.path_hex, $at as loaded_at
            from fresh s
            join (select * from raw.documents where parser_version = $v and sha256 in (select sha256 from fresh)
                  qualify row_number() over (partition by sha256 order by extracted_at desc, path) = 1) d
              using (sha256)""",
            params,
        ).fetchone()[0]
        conn.execute(
            """insert into raw.quarantine by name
            select d.sha256, d.path, d.format, d.parser_version, coalesce(d.error_kind, 'Unknown') as error_kind,
                   coalesce(d.error_message, '') as message, $at as seen_at, $at as loaded_at
            from raw.documents d
            where d.loaded_at = $at and d.status <> 'ok' and not exists (select 1 from raw.quarantine q
                where q.sha256 = d.sha256 and q.path = d.path and q.parser_version = d.parser_version)""",
            {"at": loaded_at},
        )
        gone = conn.execute(
            """update raw.documents set is_current = false, loaded_at = $at
            where rowid in (select doc_row from scan_match where scan_row is null and is_current)""",
            {"at": loaded_at},
        ).fetchone()[0]
        back = conn.execute(
            """update raw.documents set is_current = true, loaded_at = $at
            where rowid in (select doc_row from scan_match where scan_row is not null and not is_current)""",
            {"at": loaded_at},
        ).fetchone()[0]
        conn.execute(
            """update raw.documents set seen_at = $at
            where rowid in (select doc_row from scan_match where scan_row is not null and doc_row is not null)""",
            {"at": loaded_at},
        )
        conn.execute("drop table scan_match")
        for table, rows in (("rules", frames.rules_frame()), ("rule_relations", frames.rule_relations_frame())):
            conn.execute(f"delete from raw.{table}")
            conn.register("rules_frame", rows.to_arrow())
            conn.execute(f"insert into raw.{table} by name select * from rules_frame")
            conn.unregister("rules_frame")
        log = _log_chunk(conn, run_id, chunk_seq, loaded_at, started_at, added + gone + back, 0, 0)
        conn.execute("commit")
    except Exception:
        conn.execute("rollback")
        raise
    return log | {"added": added, "gone": gone, "back": back}


def per_year(conn) -> dict[str, dict]:
    """Reports and figures per report year, current files only (the year is known only after parsing)."""
    rows = conn.execute("""
        select coalesce(cast(r.report_year as varchar), 'unknown') as year, count(*) as reports,
               sum(n.figures) as figures
        from raw.reports r
        left join (select report_id, count(*) as figures from raw.figures group by 1) n using (report_id)
        where r.report_id in (select sha256 from raw.documents where is_current)
        group by 1 order by 1""").fetchall()
    return {year: {"reports": reports, "figures": int(figures or 0)} for year, reports, figures in rows}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            ["raw", t],
            description=GRAINS[t],
            group_name="raw",
            kinds={"polars", "duckdb"},
            deps=[["extract", "report_extractions"]],
        )
        for t in RAW_TABLES
    ],
    pool="duckdb_writer",
)
def raw_tables(context: dg.AssetExecutionContext, duckdb: DuckDBResource, settings: NianbaoSettings):
    """The warehouse's raw.* tables: chunks were committed by extract; this closes the run (grain per table in
    each asset's description)."""
    import nianbao

    started = dt.datetime.now(dt.UTC)
    with duckdb.get_connection() as conn:
        prepare(conn, settings.duckdb_memory_limit)
        seq = conn.execute(
            "select coalesce(max(chunk_seq) + 1, 0) from raw.load_log where run_id = ?", [context.run.run_id]
        ).fetchone()[0]
        done = finish(conn, str(nianbao.PARSER_VERSION), context.run.run_id, seq, started)
        totals = {t: conn.execute(f"select count(*) from raw.{t}").fetchone()[0] for t in RAW_TABLES}
        written = dict(
            conn.execute(
                "select 'chunks', count(*) from raw.load_log where run_id = ? union all "
                "select 'reports', coalesce(sum(n_reports), 0) from raw.load_log where run_id = ? union all "
                "select 'figures', coalesce(sum(n_figures), 0) from raw.load_log where run_id = ?",
                [context.run.run_id] * 3,
            ).fetchall()
        )
        years = per_year(conn)
        tables = table_metadata.table_metadata(conn, [("raw", t) for t in RAW_TABLES])  # row counts, columns
    context.log.info(
        f"raw.* closed: {done['added']} new paths of known contents, {done['gone']} files gone, "
        f"{done['back']} back; {written['chunks']} commits this run"
    )
    for t in RAW_TABLES:
        meta = {
            "rows_total": totals[t],
            "loaded_at": dg.MetadataValue.timestamp(done["loaded_at"]),
            **tables.get(("raw", t), {}),
        }
        if t in ("reports", "figures"):
            meta["rows_written"] = int(written[t])
            meta["by_report_year"] = dg.MetadataValue.json(years)
            meta |= {f"reports_{y}": c["reports"] for y, c in years.items()} if t == "reports" else {}
        yield dg.MaterializeResult(asset_key=["raw", t], metadata=meta)
