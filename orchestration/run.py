"""`python -m orchestration.run`: one in-process run of the whole graph on the persistent instance, then a summary."""

import argparse
import json
import os
import sys
import time

from orchestration import lake, settings, workers

# the console shows INFO and above (progress, warnings, failures); every event stays in the instance at DEBUG
RUN_CONFIG = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}
# stage of a step, by the first matching part of its step key (checks: everything else)
STAGES = (("ingest", "ingest"), ("report_extractions", "extract"), ("raw_tables", "raw"), ("nianbao_dbt", "dbt"),
          ("snapshot", "snapshot"))


def stage_of(step_key: str) -> str:
    """The pipeline stage a step belongs to: ingest, extract, raw, dbt, snapshot, or checks (GX suites)."""
    return next((stage for part, stage in STAGES if part in step_key), "checks")


def stage_times(instance, run_id: str) -> tuple[dict[str, float], dict[str, list[list[float]]]]:
    """Wall seconds per stage, and each stage's (start, end) epoch windows, from the steps' start and end events."""
    import dagster as dg

    kinds = {dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE}
    start: dict[str, float] = {}
    windows: dict[str, list[list[float]]] = {}
    for entry in instance.all_logs(run_id, of_type=kinds):
        step = entry.step_key or ""
        if entry.dagster_event.event_type == dg.DagsterEventType.STEP_START:
            start[step] = entry.timestamp
        elif step in start:
            windows.setdefault(stage_of(step), []).append([start.pop(step), entry.timestamp])
    order = [s for _, s in STAGES[:4]] + ["checks", "snapshot"]
    seconds = {s: round(sum(b - a for a, b in windows[s]), 1) for s in order if s in windows}
    return seconds, windows


def summary(result, seconds: float, instance=None) -> dict:
    """Counts for the run: documents read, reports parsed, figures loaded, checks passed/failed, time per stage."""
    import dagster as dg
    import duckdb

    def meta(key: list[str]) -> dict:
        for ev in result.get_asset_materialization_events():
            if ev.asset_key == dg.AssetKey(key):
                return {k: v.value for k, v in ev.materialization.metadata.items()}
        return {}

    checks = [ev.event_specific_data for ev in result.all_events
              if ev.event_type_value == "ASSET_CHECK_EVALUATION"]
    extract = meta(["extract", "report_extractions"])
    out = {
        "success": result.success, "seconds": round(seconds, 1),
        "stage_seconds": stage_times(instance, result.run_id)[0] if instance is not None else {},
        "documents_read": meta(["ingest", "raw_documents"]).get("files"),
        "reports_parsed": extract.get("parsed"), "docs_per_s": extract.get("docs_per_s"),
        "chunks_committed": extract.get("chunks"), "extract_write_seconds": extract.get("write_seconds"),
        "failed_files": extract.get("failed"),
        "checks_passed": sum(1 for c in checks if c.passed),
        "checks_failed": [f"{c.asset_key.to_user_string()}:{c.check_name}" for c in checks
                          if not c.passed and c.severity == dg.AssetCheckSeverity.ERROR],
        "checks_warned": [f"{c.asset_key.to_user_string()}:{c.check_name}" for c in checks
                          if not c.passed and c.severity == dg.AssetCheckSeverity.WARN],
        "snapshot_published": bool(meta(["bi", "snapshot"])),
        "warehouse": lake.database(), "snapshot": str(settings.snapshot_path()),
    }
    if settings.warehouse_path().exists() or lake.is_lake():
        from orchestration import warehouse

        # the same connection config as the pipeline's (DuckDB refuses a second config in one process)
        with warehouse.build_resource().get_connection() as con:
            try:
                q = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
                out["reports_in_marts"] = q("select count(*) from marts.dim_reports")
                out["figures_loaded"] = q("select count(*) from marts.fct_report_figures")
                out["quarantined_files"] = q("select count(*) from raw.quarantine")
            except duckdb.Error as e:
                out["warehouse_error"] = str(e)
    return out


def main(argv: list[str] | None = None) -> int:
    """`make run`: a supervisor holding the run lock (orchestration.guard) runs the job once in a child process
    (`--child`: the run itself, in this process)."""
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--summary-json", help="also write the summary to this file (benchmarks read it)")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if not args.child:
        from orchestration import guard

        return guard.supervise([sys.executable, "-m", "orchestration.run", "--child", *argv])
    settings.prepare_dagster_home()
    os.environ.setdefault("NIANBAO_WAREHOUSE_PATH", str(settings.warehouse_path()))
    import dagster as dg

    from orchestration.definitions import build_definitions
    from orchestration.jobs import REFRESH_JOB

    start = time.monotonic()
    job = build_definitions().resolve_job_def(REFRESH_JOB)
    with dg.DagsterInstance.get() as instance:  # dead runs are reclaimed by the run_lock resource (guard.reclaim)
        tags = {"nianbao/entry": "orchestration.run"}
        if workers.is_celery():  # the steps run on the Celery workers, which rebuild the job from its module
            from orchestration import guard

            guard.reclaim(instance)  # (the run_lock resource does this in-process; this process holds the lock)
            result = dg.execute_job(dg.reconstructable(workers.refresh_job), instance=instance,
                                    run_config=RUN_CONFIG, tags=tags, raise_on_error=False)
        else:
            result = job.execute_in_process(instance=instance, raise_on_error=False, run_config=RUN_CONFIG, tags=tags)
        s = summary(result, time.monotonic() - start, instance)
        windows = stage_times(instance, result.run_id)[1]
    print("\nnianbao run summary")
    for k, v in s.items():
        print(f"  {k:20} {v}")
    if args.summary_json:
        with open(args.summary_json, "w", encoding="utf-8") as f:
            json.dump(s | {"stage_windows": windows}, f, indent=1, default=str)
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main())
