"""Ingest: discover and hash every raw report file under NIANBAO_RAW_DIR into raw.scan (no parsing)."""

import datetime as dt
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets import load, table_metadata
from assets.resources import NianbaoSettings
from nianbao import batch, listing


@dg.asset(
    key=["ingest", "raw_documents"],
    group_name="ingest",
    kinds={"python", "duckdb"},
    pool="duckdb_writer",
    required_resource_keys={"duckdb", "run_lock", "settings"},
)  # run_lock: the first step holds it for the whole run
def raw_documents(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    """One row of raw.scan per entry under NIANBAO_RAW_DIR: absolute path, sha256 of its bytes, size (files are never
    moved), or the problem that kept it from being read. Only counts travel through Dagster; extraction reads the
    list from the warehouse."""
    duckdb: DuckDBResource = context.resources.duckdb
    settings: NianbaoSettings = context.resources.settings
    root = Path(settings.raw_dir)
    Path(settings.home).mkdir(parents=True, exist_ok=True)  # the warehouse file's folder
    t0 = dt.datetime.now(dt.UTC)
    # find(1) lists the raw dir; only files new or changed since the last scan are read, and only their rows written
    listed = None if settings.full_refresh else listing.list_files(root)
    walked = listed is None
    with duckdb.get_connection() as conn:
        load.prepare(conn, settings.duckdb_memory_limit)
        if not walked:
            to_read, gone = load.scan_changes(conn, listed)
            del listed  # (a national listing: not kept while the files are read)
            files = batch.scan_files(root, to_read)
            written = load.update_scan(conn, gone, files, t0)
            how = "listed by find"
        else:  # a full walk: odd entries to record, or `make rebuild` (every file read again)
            known = load.known_hashes(conn, settings.full_refresh)  # files unchanged since the last scan: not read
            files = batch.scan(root, known)
            load.write_scan(conn, files, t0)
            written = {"deleted": None, "inserted": len(files)}
            files = [f for f in files if known.get(f.stat_key) != f.sha256]  # the files read
            how = "walked"
        counts = load.scan_counts(conn)
        scan = table_metadata.table_metadata(conn, [("raw", "scan")]).get(("raw", "scan"), {})
    seconds = (dt.datetime.now(dt.UTC) - t0).total_seconds()
    hashed = sum(1 for f in files if not f.error_kind)
    context.log.info(
        f"ingest: {counts['files']:,} entries under {root} {how} in {seconds:.1f} s ({hashed:,} read and hashed, "
        f"the rest unchanged since the last scan; {written['inserted']:,} rows of raw.scan written)"
    )
    return dg.MaterializeResult(
        metadata={
            "raw_dir": str(root),
            **counts,
            "read": hashed,
            "rows_written": written["inserted"],
            "full_walk": walked,
            "seconds": round(seconds, 1),
            **scan,
        }
    )
