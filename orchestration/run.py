"""`python -m orchestration.run`: one in-process run of the whole graph on the persistent instance, then a summary."""

import argparse
import json
import os
import sys
import time

from orchestration import lake, settings  # light: the supervisor (main) imports this module too

# the console shows INFO and above (progress, warnings, failures); every event stays in the instance at DEBUG
RUN_CONFIG = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}
# stage of a step, by the first matching part of its step key (checks: everything else)
STAGES = (
    ("ingest", "ingest"),
    ("report_extractions", "extract"),
    ("raw_tables", "raw"),
    ("nianbao_dbt", "dbt"),
    ("snapshot", "snapshot"),
)


QUARANTINE_SHOWN = 10  # files in quarantine named in the summary (the rest: a count)
# the summary's keys shown under "where to look next", in this order
NEXT = (
    "quarantined",
    "checks_failed",
    "checks_warned",
    "snapshot",
    "bi_site",
    "dbt_docs",
    "gx_docs",
    "dbt_output",
    "dagster_run",
)

HIDDEN = ("run_id", "quarantined_files", "extract_write_seconds")  # in --summary-json, not on the console


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

    checks = [ev.event_specific_data for ev in result.all_events if ev.event_type_value == "ASSET_CHECK_EVALUATION"]
    extract = meta(["extract", "report_extractions"])
    out = {
        "success": result.success,
        "seconds": round(seconds, 1),
        "stage_seconds": stage_times(instance, result.run_id)[0] if instance is not None else {},
        "documents_read": meta(["ingest", "raw_documents"]).get("files"),
        "reports_parsed": extract.get("parsed"),
        "docs_per_s": extract.get("docs_per_s"),
        "chunks_committed": extract.get("chunks"),
        "extract_write_seconds": extract.get("write_seconds"),
        "failed_files": extract.get("failed"),
        "checks_passed": sum(1 for c in checks if c.passed),
        "checks_failed": [
            f"{c.asset_key.to_user_string()}:{c.check_name}"
            for c in checks
            if not c.passed and c.severity == dg.AssetCheckSeverity.ERROR
        ],
        "checks_warned": [
            f"{c.asset_key.to_user_string()}:{c.check_name}"
            for c in checks
            if not c.passed and c.severity == dg.AssetCheckSeverity.WARN
        ],
        "snapshot_published": bool(meta(["bi", "snapshot"])),
        "run_id": result.run_id,
        "warehouse": lake.database(),
        "snapshot": str(settings.snapshot_path()),
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
                out["quarantined"] = quarantined(con)
            except duckdb.Error as e:
                out["warehouse_error"] = str(e)
    return out | where_to_look(result.run_id)


def quarantined(con, limit: int = QUARANTINE_SHOWN) -> list[str]:
    """'name (ErrorKind)' of the current files in quarantine (path relative to the raw dir), at most `limit`, then
    '… and N more'."""
    rows = con.execute("""
        select distinct q.path, q.error_kind from raw.quarantine q
        where exists (select 1 from raw.documents d where d.path = q.path and d.sha256 = q.sha256 and d.is_current)
        order by 1""").fetchall()
    raw = str(settings.raw_dir()) + "/"
    names = [f"{p.removeprefix(raw)} ({kind})" for p, kind in rows[:limit]]
    return names + ([f"… and {len(rows) - limit} more (raw.quarantine)"] if len(rows) > limit else [])


def latest(folder, pattern: str):
    """The newest file matching pattern under folder (None when there is none)."""
    found = sorted(folder.glob(pattern), key=lambda p: p.stat().st_mtime) if folder.exists() else []
    return found[-1] if found else None


def where_to_look(run_id: str) -> dict:
    """Paths to look at after a run: the BI site, the docs, dbt's output, and the run in the Dagster UI."""
    from assets import dbt_output

    site = settings.bi_site_dir() / "index.html"
    dbt_docs = settings.docs_dir() / "dbt" / "static_index.html"
    gx_docs = settings.docs_dir() / "gx" / "index.html"
    dbt_log = latest(settings.dbt_target_dir(), f"*-{run_id[:8]}-*/{dbt_output.CONSOLE_LOG}")
    return {
        "bi_site": str(site) if site.exists() else f"{site} (make bi)",
        "dbt_docs": str(dbt_docs) if dbt_docs.exists() else f"{dbt_docs} (make docs)",
        "gx_docs": str(gx_docs) if gx_docs.exists() else f"{gx_docs} (make docs)",
        "dbt_output": str(dbt_log) if dbt_log else None,
        "dagster_run": f"http://127.0.0.1:3000/runs/{run_id} (make dev)",
    }


def lines(s: dict) -> list[str]:
    """The summary as the console shows it: counts first, then where to look next (lists one item a line)."""
    out = ["", "nianbao run summary"]
    for k, v in s.items():
        if k in NEXT or k in HIDDEN:
            continue
        out.append(f"  {k:20} {v}")
    out.append("where to look next")
    for k in NEXT:
        v = s.get(k)
        if isinstance(v, list):
            out.append(f"  {k:20} {len(v) if v else 'none'}")
            out += [f"    {item}" for item in v]
        elif v is not None:
            out.append(f"  {k:20} {v}")
    return out


def year_tags(years: str | None, job) -> dict[str, str]:
    """The run tags of a partition range of report years ("2021" or "2019-2021"), checked against the job's keys."""
    if not years:
        return {}
    first, _, last = years.partition("-")
    keys = job.partitions_def.get_partition_keys()
    for key in (first, last or first):
        if key not in keys:
            raise SystemExit(f"--years {years}: {key} is not a report year partition ({keys[0]}…{keys[-1]})")
    return {"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last or first}


def main(argv: list[str] | None = None) -> int:
    """`make run`: a supervisor holding the run lock (orchestration.guard) runs the job once in a child process
    (`--child`: the run itself, in this process)."""
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--summary-json", help="also write the summary to this file (benchmarks read it)")
    ap.add_argument(
        "--years",
        help="re-extract the documents of these report years, then refresh: 2021, or 2019-2021 "
        "(partitions of extract/report_year, one run)",
    )
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if not args.child:
        from orchestration import guard

        return guard.supervise([sys.executable, "-m", "orchestration.run", "--child", *argv])
    from expectations import service
    from orchestration import dbt_warm

    service.start()  # GX imports in its own process while this one loads Dagster and runs the first stages
    early_dbt(dbt_warm)  # so does dbt, which parses the project too
    try:
        return child_run(args)
    finally:
        dbt_warm.stop()
        service.stop()


def early_dbt(dbt_warm) -> None:
    """Start the early dbt with the environment the dbt step gives dbt (assets/dbt.py: the warehouse the resource
    opens, the raw dir as an absolute path)."""
    env = {"NIANBAO_WAREHOUSE_PATH": lake.database(), "NIANBAO_RAW_DIR": str(settings.raw_dir())}
    dbt_warm.start(settings.dbt_target_dir(), env)


def child_run(args: argparse.Namespace) -> int:
    """The run itself (`--child`): the job in process on the persistent instance, then its summary."""
    from nianbao import raw_fingerprint

    fingerprint = raw_fingerprint.start(settings.raw_dir())  # find(1) walks the raw dir while Dagster loads
    settings.prepare_dagster_home()
    os.environ.setdefault("NIANBAO_WAREHOUSE_PATH", str(settings.warehouse_path()))
    import dagster as dg

    from orchestration import workers
    from orchestration.definitions import build_definitions
    from orchestration.jobs import REEXTRACT_JOB, REFRESH_JOB

    start = time.monotonic()
    job = build_definitions().resolve_job_def(REEXTRACT_JOB if args.years else REFRESH_JOB)
    tags = {"nianbao/entry": "orchestration.run", **year_tags(args.years, job)}
    with dg.DagsterInstance.get() as instance:  # dead runs are reclaimed by the run_lock resource (guard.reclaim)
        from orchestration.sensors import FINGERPRINT_TAG

        tags[FINGERPRINT_TAG] = fingerprint()
        if workers.is_celery():  # the steps run on the Celery workers, which rebuild the job from its module
            from orchestration import guard

            guard.reclaim(instance)  # (the run_lock resource does this in-process; this process holds the lock)
            result = dg.execute_job(
                dg.reconstructable(workers.refresh_job),
                instance=instance,
                run_config=RUN_CONFIG,
                tags=tags,
                raise_on_error=False,
            )
        else:
            result = job.execute_in_process(instance=instance, raise_on_error=False, run_config=RUN_CONFIG, tags=tags)
        s = summary(result, time.monotonic() - start, instance)
        windows = stage_times(instance, result.run_id)[1]
    print("\n".join(lines(s)))
    if args.summary_json:
        with open(args.summary_json, "w", encoding="utf-8") as f:
            json.dump(s | {"stage_windows": windows}, f, indent=1, default=str)
    return 0 if result.success else 1


def exit_now(code: int) -> None:
    """End the run's process without the interpreter's teardown: its work is committed and its files closed, and the
    destructors of everything a national run loaded cost ~1.5 s. The supervisor then stops whatever it started."""
    import logging

    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    code = main()
    if "--child" in sys.argv:
        exit_now(code)
    sys.exit(code)
