"""Load: write one batch's Polars frames into the DuckDB `raw` schema (replacing rows of re-parsed contents)."""

import dagster as dg
import polars as pl
from dagster_duckdb import DuckDBResource

from nianbao import batch, frames

RAW_TABLES = ("documents", "reports", "figures", "findings", "quarantine", "rules")
GRAINS = {
    "documents": "One row per file path and content (sha256) ever seen; the parse cache.",
    "reports": "One row per parsed report (report_id = sha256 of the source file), latest parse.",
    "figures": "One row per report and table cell (prose metrics included).",
    "findings": "One row per report and consistency finding.",
    "quarantine": "One row per failed file (content and path) and parser version.",
    "rules": "One row per consistency rule of rules.csv.",
}
# the key columns a batch replaces in each table
REPLACE_KEYS = {"reports": ("report_id",), "figures": ("report_id",), "findings": ("report_id",),
                "quarantine": ("sha256", "path", "parser_version"), "documents": ("sha256", "path")}


def write_batch(conn, tables: dict[str, pl.DataFrame], fresh_sha256: list[str]) -> None:
    """Write one batch in one transaction: contents parsed now replace their old rows; rules are rewritten."""
    conn.execute("create schema if not exists raw")
    for t in RAW_TABLES:
        conn.execute(frames.create_table_sql(t))
        for column, dtype in frames.SCHEMAS[t].items():  # columns added since the table was created
            conn.execute(f'alter table raw.{t} add column if not exists "{column}" {frames.duckdb_type(dtype)}')
    conn.execute("begin transaction")
    try:
        fresh = pl.DataFrame({"sha256": fresh_sha256}, schema={"sha256": pl.String}).to_arrow()
        conn.register("fresh_batch", fresh)
        for t in ("reports", "figures", "findings"):
            conn.execute(f"delete from raw.{t} where report_id in (select sha256 from fresh_batch)")
        # a content parsed again (a run fault retried) is no longer quarantined at this parser version
        conn.register("batch_versions", tables["documents"].select("parser_version").unique().to_arrow())
        conn.execute("delete from raw.quarantine where sha256 in (select sha256 from fresh_batch) "
                     "and parser_version in (select parser_version from batch_versions)")
        conn.unregister("batch_versions")
        for t in ("documents", "quarantine"):
            keys = REPLACE_KEYS[t]
            conn.register("batch_keys", tables[t].select(keys).to_arrow())
            match = " and ".join(f"raw.{t}.{k} = batch_keys.{k}" for k in keys)
            conn.execute(f"delete from raw.{t} where exists (select 1 from batch_keys where {match})")
            conn.unregister("batch_keys")
        conn.execute("delete from raw.rules")
        for t in RAW_TABLES:
            conn.register("batch_frame", tables[t].to_arrow())
            conn.execute(f"insert into raw.{t} by name select * from batch_frame")
            conn.unregister("batch_frame")
        # files no longer under the raw dir stay recorded, but are not current
        conn.register("seen", tables["documents"].select("sha256", "path").to_arrow())
        conn.execute("update raw.documents set is_current = exists "
                     "(select 1 from seen where seen.sha256 = raw.documents.sha256 and seen.path = raw.documents.path)")
        conn.unregister("seen")
        conn.unregister("fresh_batch")
        conn.execute("commit")
    except Exception:
        conn.execute("rollback")
        raise


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
        write_batch(conn, tables, [ex["sha256"] for ex in extractions])
        totals = {t: conn.execute(f"select count(*) from raw.{t}").fetchone()[0] for t in RAW_TABLES}
    for t in RAW_TABLES:
        yield dg.MaterializeResult(asset_key=["raw", t], metadata={
            "rows_written": len(tables[t]), "rows_total": totals[t]})
