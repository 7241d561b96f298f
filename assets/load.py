"""Load: write one batch's Polars frames into the DuckDB `raw` schema (replacing rows of re-parsed contents)."""

import datetime as dt

import dagster as dg
import polars as pl
from dagster_duckdb import DuckDBResource

from nianbao import batch, frames

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
# the key columns a batch replaces in each table
REPLACE_KEYS = {"reports": ["report_id"], "figures": ["report_id"], "findings": ["report_id"],
                "extraction_checks": ["report_id"],
                "quarantine": ["sha256", "path", "parser_version"], "documents": ["sha256", "path"]}


# a documents / quarantine row re-seen unchanged keeps its loaded_at (only these columns count as a change)
SAME_ROW = {"documents": ("status", "parser_version", "error_kind", "error_message", "extracted_at", "format"),
            "quarantine": ("error_kind", "message", "format")}


def ensure_raw_tables(conn) -> None:
    """Create the raw tables, with the columns added since they were created (loaded_at) and raw.load_log."""
    conn.execute("create schema if not exists raw")
    for t in RAW_TABLES:
        conn.execute(frames.create_table_sql(t))
        for column, dtype in frames.SCHEMAS[t].items():  # columns added since the table was created
            conn.execute(f'alter table raw.{t} add column if not exists "{column}" {frames.duckdb_type(dtype)}')
    for t in frames.LOADED_AT_TABLES:
        conn.execute(f"alter table raw.{t} add column if not exists loaded_at TIMESTAMPTZ")
    log = ", ".join(f'"{c}" {frames.duckdb_type(d)}' for c, d in frames.LOAD_LOG.items())
    conn.execute(f"create table if not exists raw.load_log ({log})")


def write_batch(conn, tables: dict[str, pl.DataFrame], fresh_sha256: list[str], run_id: str = "",
                chunk_seq: int = 0, started_at: dt.datetime | None = None) -> dt.datetime:
    """Write one batch in one transaction: contents parsed now replace their old rows; rules are rewritten.

    Every row written gets loaded_at = the commit time of the batch, except documents and quarantine rows seen
    again unchanged (they keep theirs); a document that left the raw dir gets is_current = false and a new
    loaded_at. One raw.load_log row records the batch. Returns its loaded_at.
    """
    ensure_raw_tables(conn)
    loaded_at = dt.datetime.now(dt.timezone.utc)
    conn.execute("begin transaction")
    try:
        fresh = pl.DataFrame({"sha256": fresh_sha256}, schema={"sha256": pl.String}).to_arrow()
        conn.register("fresh_batch", fresh)
        for t in ("reports", "figures", "findings", "extraction_checks"):
            conn.execute(f"delete from raw.{t} where report_id in (select sha256 from fresh_batch)")
        # a content parsed again (a run fault retried) is no longer quarantined at this parser version
        conn.register("batch_versions", tables["documents"].select("parser_version").unique().to_arrow())
        conn.execute("delete from raw.quarantine where sha256 in (select sha256 from fresh_batch) "
                     "and parser_version in (select parser_version from batch_versions)")
        conn.unregister("batch_versions")
        kept = {}
        for t in ("documents", "quarantine"):
            keys = REPLACE_KEYS[t]
            conn.register("batch_keys", tables[t].select(keys + list(SAME_ROW[t])).to_arrow())
            match = " and ".join(f"old.{k} = batch_keys.{k}" for k in keys)
            same = " and ".join(f"old.{c} is not distinct from batch_keys.{c}" for c in SAME_ROW[t])
            current = "old.is_current and " if t == "documents" else ""
            kept[t] = f"kept_{t}"
            conn.execute(f"create or replace temp table kept_{t} as select {', '.join('old.' + k for k in keys)}, "
                         f"old.loaded_at from raw.{t} old inner join batch_keys on {match} where {current}{same}")
            match = " and ".join(f"raw.{t}.{k} = batch_keys.{k}" for k in keys)
            conn.execute(f"delete from raw.{t} where exists (select 1 from batch_keys where {match})")
            conn.unregister("batch_keys")
        conn.execute("delete from raw.rules")
        for t in RAW_TABLES:
            conn.register("batch_frame", tables[t].to_arrow())
            if t in kept:
                keys = REPLACE_KEYS[t]
                on = " and ".join(f"k.{c} = b.{c}" for c in keys)
                conn.execute(f"insert into raw.{t} by name select b.*, coalesce(k.loaded_at, ?) as loaded_at "
                             f"from batch_frame b left join {kept[t]} k on {on}", [loaded_at])
            elif t in frames.LOADED_AT_TABLES:
                conn.execute(f"insert into raw.{t} by name select *, ? as loaded_at from batch_frame", [loaded_at])
            else:
                conn.execute(f"insert into raw.{t} by name select * from batch_frame")
            conn.unregister("batch_frame")
        # files no longer under the raw dir stay recorded, but are not current (and say when that changed)
        conn.register("seen", tables["documents"].select("sha256", "path").to_arrow())
        conn.execute("update raw.documents set is_current = false, loaded_at = ? where is_current and not exists "
                     "(select 1 from seen where seen.sha256 = raw.documents.sha256 and seen.path = raw.documents.path)",
                     [loaded_at])
        conn.unregister("seen")
        conn.unregister("fresh_batch")
        conn.execute("insert into raw.load_log values (?, ?, ?, ?, ?, ?, ?, ?)",
                     [run_id, chunk_seq, loaded_at, len(tables["documents"]), len(tables["reports"]),
                      len(tables["figures"]), started_at or loaded_at, dt.datetime.now(dt.timezone.utc)])
        conn.execute("commit")
    except Exception:
        conn.execute("rollback")
        raise
    return loaded_at


@dg.multi_asset(
    specs=[dg.AssetSpec(["raw", t], description=GRAINS[t], group_name="raw", kinds={"polars", "duckdb"},
                        deps=[["extract", "report_extractions"]])
           for t in RAW_TABLES],
    pool="duckdb_writer",
    ins={"report_extractions": dg.AssetIn(key=["extract", "report_extractions"])},
)
def raw_tables(context: dg.AssetExecutionContext, report_extractions: dict, duckdb: DuckDBResource):
    """The warehouse's raw.* tables from one batch (grain per table in each asset's description)."""
    plan: batch.Plan = report_extractions["plan"]
    extractions: list[dict] = report_extractions["extractions"]
    tables = batch.batch_frames(plan, extractions, report_extractions["cache"],
                                report_extractions["parser_version"], report_extractions["extracted_at"])
    tables["rules"] = frames.rules_frame()
    with duckdb.get_connection() as conn:
        write_batch(conn, tables, [ex["sha256"] for ex in extractions], context.run.run_id, 0,
                    report_extractions["extracted_at"])
        totals = {t: conn.execute(f"select count(*) from raw.{t}").fetchone()[0] for t in RAW_TABLES}
    for t in RAW_TABLES:
        yield dg.MaterializeResult(asset_key=["raw", t], metadata={
            "rows_written": len(tables[t]), "rows_total": totals[t]})
