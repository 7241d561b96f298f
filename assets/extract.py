"""Extract: parse new contents (by sha256 and PARSER_VERSION) in one isolated batch; cached contents are skipped."""

import datetime as dt

import dagster as dg
from dagster_duckdb import DuckDBResource

from nianbao import batch
from orchestration import settings

CACHE_COLUMNS = ("sha256", "format", "parser_version", "status", "error_kind", "error_message", "extracted_at")


def parser_version() -> str:
    """The current nianbao.PARSER_VERSION (read at call time, so a change re-parses everything)."""
    import nianbao

    return str(nianbao.PARSER_VERSION)


def read_cache(duckdb: DuckDBResource, version: str) -> dict[str, dict]:
    """raw.documents outcomes extracted with this parser version, by sha256 (empty on a fresh warehouse)."""
    with duckdb.get_connection() as conn:
        exists = conn.execute("select count(*) from information_schema.tables "
                              "where table_schema = 'raw' and table_name = 'documents'").fetchone()[0]
        if not exists:
            return {}
        rows = conn.execute(f"select {', '.join(CACHE_COLUMNS)} from raw.documents where parser_version = ? "
                            "order by extracted_at desc", [version]).fetchall()
    cache: dict[str, dict] = {}
    for row in rows:
        cache.setdefault(row[0], dict(zip(CACHE_COLUMNS, row)))
    return cache


def extract_many():
    """nianbao.isolation.extract_many: worker processes with time and memory limits (tests wrap this)."""
    from nianbao import isolation

    return isolation.extract_many


@dg.asset(key=["extract", "report_extractions"], group_name="extract", kinds={"python"}, pool="duckdb_writer",
          ins={"raw_documents": dg.AssetIn(key=["ingest", "raw_documents"])})
def report_extractions(context: dg.AssetExecutionContext, raw_documents: list[batch.RawFile],
                       duckdb: DuckDBResource) -> dict:
    """One extract dict per new content (sha256) in this batch, plus the batch plan; cached contents are not parsed."""
    version = parser_version()
    settings.home().mkdir(parents=True, exist_ok=True)
    cache = read_cache(duckdb, version)
    plan = batch.plan(raw_documents, cache)
    extractions = batch.extract(plan.to_parse, extract_many(), workers=settings.extract_workers(),
                                timeout_s=settings.extract_timeout_s(), memory_mb=settings.extract_memory_mb())
    failed = [ex for ex in extractions if ex.get("status") != "ok"]
    for ex in failed:
        context.log.warning(f"quarantined {ex.get('source')}: {(ex.get('error') or {}).get('kind')}")
    context.add_output_metadata({
        "parser_version": version, "files": len(raw_documents), "parsed": len(extractions),
        "cached": len(plan.cached), "failed": len(failed),
        "figures": sum(len(ex.get("figures") or []) for ex in extractions)})
    return {"plan": plan, "extractions": extractions, "cache": cache, "parser_version": version,
            "extracted_at": dt.datetime.now(dt.timezone.utc)}
