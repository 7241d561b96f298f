"""Ingest: discover and hash every raw report file under NIANBAO_RAW_DIR into raw.scan (no parsing)."""

import datetime as dt
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets import load, table_metadata
from assets.resources import NianbaoSettings
from nianbao import batch


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
    with duckdb.get_connection() as conn:
        load.prepare(conn, settings.duckdb_memory_limit)
        known = load.known_hashes(conn, settings.full_refresh)  # files unchanged since the last scan are not read again
    t0 = dt.datetime.now(dt.UTC)
    files = batch.scan(root, known)
    seconds = (dt.datetime.now(dt.UTC) - t0).total_seconds()
    with duckdb.get_connection() as conn:
        load.write_scan(conn, files, t0)
        scan = table_metadata.table_metadata(conn, [("raw", "scan")]).get(("raw", "scan"), {})
    hashed = sum(1 for f in files if not f.error_kind and known.get(f.stat_key) != f.sha256)
    context.log.info(
        f"ingest: {len(files):,} files under {root} in {seconds:.1f} s ({hashed:,} read and hashed, "
        "the rest unchanged since the last scan)"
    )
    return dg.MaterializeResult(
        metadata={
            "raw_dir": str(root),
            "files": len(files),
            "distinct_contents": len({f.sha256 for f in files}),
            "bytes": sum(f.size for f in files),
            "problem_entries": sum(1 for f in files if f.error_kind),
            "seconds": round(seconds, 1),
            **scan,
        }
    )
