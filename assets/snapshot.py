"""BI snapshot: copy the marts into bi/nianbao.duckdb atomically, after the blocking checks passed."""

import os
from pathlib import Path

import dagster as dg
import duckdb as ddb
from dagster_duckdb import DuckDBResource

from orchestration import settings

MARTS = (["marts", "fct_report_figures"], ["marts", "dim_reports"], ["marts", "fct_findings"],
         ["marts", "dim_report_files"], ["marts", "dim_agencies"], ["marts", "fct_applications"],
         ["marts", "fct_proactive_disclosure"], ["marts", "fct_review_litigation"], ["marts", "fct_legacy_statistics"],
         ["marts", "rpt_agency_year"], ["marts", "rpt_rule_failures"], ["marts", "rpt_report_quality"])
SNAPSHOT_SCHEMAS = ("marts",)  # the published data only: the same inputs give the same snapshot tables
AUDIT_SCHEMAS = ("audit",)  # the GX validation history (grows every run): bi/gx_audit.duckdb, beside the snapshot


def publish(warehouse: str | os.PathLike, target: str | os.PathLike, schemas=SNAPSHOT_SCHEMAS) -> dict[str, int]:
    """Copy every table of `schemas` from the warehouse (opened READ_ONLY) into target, swapped in by os.replace.

    Readers holding the old snapshot keep their (old) file; new connections see the new one.
    Returns the row count per copied table.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    for stale in (tmp, tmp.with_name(tmp.name + ".wal")):
        stale.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    con = ddb.connect(":memory:")
    try:
        con.execute(f"attach '{warehouse}' as src (read_only)")
        con.execute(f"attach '{tmp}' as bi")
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = 'src' "
            f"and schema_name in ({', '.join('?' for _ in schemas)}) order by 1, 2", list(schemas)).fetchall()
        for schema in schemas:
            con.execute(f"create schema if not exists bi.{schema}")
        for schema, table in tables:
            con.execute(f'create table bi.{schema}."{table}" as select * from src.{schema}."{table}"')
            counts[f"{schema}.{table}"] = con.execute(f'select count(*) from bi.{schema}."{table}"').fetchone()[0]
        con.execute("detach bi")
        con.execute("detach src")
    finally:
        con.close()
    os.replace(tmp, target)
    return counts


@dg.asset(key=["bi", "snapshot"], group_name="bi", kinds={"duckdb"}, pool="duckdb_writer",
          deps=[dg.AssetKey(k) for k in MARTS])
def bi_snapshot(context: dg.AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
    """One file, bi/nianbao.duckdb: a copy of every marts table for BI tools, published after blocking checks pass."""
    target = settings.snapshot_path()
    counts = publish(duckdb.database, target)
    publish(duckdb.database, target.with_name("gx_audit.duckdb"), AUDIT_SCHEMAS)
    return dg.MaterializeResult(metadata={"path": str(target), **{k: v for k, v in counts.items()}})
