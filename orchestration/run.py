"""`python -m orchestration.run`: one in-process run of the whole graph on the persistent instance, then a summary."""

import os
import sys
import time

from orchestration import settings


def summary(result, seconds: float) -> dict:
    """Counts for the run: documents read, reports parsed, figures loaded, checks passed/failed, paths."""
    import dagster as dg
    import duckdb

    def meta(key: list[str]) -> dict:
        for ev in result.get_asset_materialization_events():
            if ev.asset_key == dg.AssetKey(key):
                return {k: v.value for k, v in ev.materialization.metadata.items()}
        return {}

    checks = [ev.event_specific_data for ev in result.all_events
              if ev.event_type_value == "ASSET_CHECK_EVALUATION"]
    out = {
        "success": result.success, "seconds": round(seconds, 1),
        "documents_read": meta(["ingest", "raw_documents"]).get("files"),
        "reports_parsed": meta(["extract", "report_extractions"]).get("parsed"),
        "failed_files": meta(["extract", "report_extractions"]).get("failed"),
        "checks_passed": sum(1 for c in checks if c.passed),
        "checks_failed": [f"{c.asset_key.to_user_string()}:{c.check_name}" for c in checks
                          if not c.passed and c.severity == dg.AssetCheckSeverity.ERROR],
        "checks_warned": [f"{c.asset_key.to_user_string()}:{c.check_name}" for c in checks
                          if not c.passed and c.severity == dg.AssetCheckSeverity.WARN],
        "snapshot_published": bool(meta(["bi", "snapshot"])),
        "warehouse": str(settings.warehouse_path()), "snapshot": str(settings.snapshot_path()),
    }
    if settings.warehouse_path().exists():
        from dagster_duckdb import DuckDBResource

        # the same connection config as the pipeline's (DuckDB refuses a second config in one process)
        with DuckDBResource(database=str(settings.warehouse_path())).get_connection() as con:
            try:
                q = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
                out["reports_in_marts"] = q("select count(*) from marts.dim_reports")
                out["figures_loaded"] = q("select count(*) from marts.fct_report_figures")
                out["quarantined_files"] = q("select count(*) from raw.quarantine")
            except duckdb.Error as e:
                out["warehouse_error"] = str(e)
    return out


def main(argv: list[str] | None = None) -> int:
    """`make run`: a supervisor holding the run lock (orchestration.guard) runs the job once in a child process."""
    argv = sys.argv[1:] if argv is None else argv
    if "--child" not in argv:
        from orchestration import guard

        return guard.supervise([sys.executable, "-m", "orchestration.run", "--child"])
    settings.prepare_dagster_home()
    os.environ.setdefault("NIANBAO_WAREHOUSE_PATH", str(settings.warehouse_path()))
    import dagster as dg

    from orchestration.definitions import build_definitions
    from orchestration.jobs import REFRESH_JOB

    start = time.monotonic()
    job = build_definitions().resolve_job_def(REFRESH_JOB)
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(instance=instance, raise_on_error=False)
    s = summary(result, time.monotonic() - start)
    print("\nnianbao run summary")
    for k, v in s.items():
        print(f"  {k:20} {v}")
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main())
