"""Checks: GX suites run as Dagster asset checks on the marts; results are kept in audit.gx_results."""

import json

import dagster as dg
from dagster_duckdb import DuckDBResource

from orchestration import settings

FIGURES_MART = dg.AssetKey(["marts", "fct_report_figures"])
STRUCTURAL_CONTRACT = "structural_contract"

AUDIT_DDL = """
create schema if not exists audit;
create table if not exists audit.gx_results (
    validated_at TIMESTAMPTZ, run_id VARCHAR, asset VARCHAR, suite VARCHAR, success BOOLEAN, n_rows BIGINT,
    evaluated INTEGER, passed INTEGER, success_percent DOUBLE, failed_json VARCHAR, data_docs VARCHAR)
"""


def record(conn, run_id: str, asset: str, summary: dict) -> None:
    """Append one validation summary to audit.gx_results."""
    conn.execute(AUDIT_DDL)
    conn.execute("insert into audit.gx_results values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        summary["validated_at"], run_id, asset, summary["suite"], summary["success"], summary["rows"],
        summary["evaluated"], summary["passed"], summary["success_percent"],
        json.dumps(summary["failed"], ensure_ascii=False, default=str), summary["data_docs"]])


@dg.asset_check(asset=FIGURES_MART, name=STRUCTURAL_CONTRACT, blocking=True, pool="duckdb_writer")
def fct_report_figures_structural_contract(context: dg.AssetCheckExecutionContext,
                                           duckdb: DuckDBResource) -> dg.AssetCheckResult:
    """BLOCKING GX contract on fct_report_figures (codebook codes, grain, signs, years, provenance); stops bi/snapshot."""
    from expectations import run
    from expectations.suites import fct_report_figures as suite

    with duckdb.get_connection() as conn:
        df = conn.sql("select * from marts.fct_report_figures").df()
    summary = run.validate(df, suite, settings.gx_dir())
    with duckdb.get_connection() as conn:
        record(conn, context.run.run_id, "marts.fct_report_figures", summary)
    return dg.AssetCheckResult(
        passed=summary["success"], severity=dg.AssetCheckSeverity.ERROR,
        metadata={"rows": summary["rows"], "evaluated": summary["evaluated"], "passed": summary["passed"],
                  "success_percent": summary["success_percent"],
                  "failed": dg.MetadataValue.json(summary["failed"]),
                  "data_docs": summary["data_docs"] or ""})
