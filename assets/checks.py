"""Checks: every GX suite of expectations.registry as a Dagster asset check on the rows a run wrote; audit.*.

One step per stage (the raw suites and nothing_lost after raw_tables, the mart suites after dbt) instead of one per
check: the suites of a step share one warehouse connection, their rows are read while the GX process validates the
previous suite, and their Data Docs are rendered together. Each check keeps its own result, severity and blocking flag.
"""

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets import check_report, contracts
from assets.resources import NianbaoSettings
from expectations import registry, scope

FIGURES_MART = dg.AssetKey(["marts", "fct_report_figures"])
STRUCTURAL_CONTRACT = "structural_contract"
STEPS = {scope.RAW: "raw_checks", scope.MARTS: "marts_checks"}  # the step (op) of each stage's suites


def table_exists(conn, table: str) -> bool:
    """True when schema.table exists in the warehouse."""
    schema, name = table.split(".")
    return (
        conn.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, name]
        ).fetchone()[0]
        > 0
    )


def check_key(suite) -> dg.AssetCheckKey:
    """The asset check key of a suite module."""
    return dg.AssetCheckKey(dg.AssetKey(suite.ASSET), suite.CHECK)


def check_spec(suite) -> dg.AssetCheckSpec:
    """The asset check of one suite module (blocking when the suite is structural)."""
    return dg.AssetCheckSpec(
        suite.CHECK,
        asset=dg.AssetKey(suite.ASSET),
        blocking=suite.BLOCKING,
        description=(suite.__doc__ or suite.NAME).strip().splitlines()[0],
    )


def check_metadata(summary: dict, suite, docs_dir: str | Path) -> dict:
    """Counts for the UI: rows, evaluated, passed, failed, unexpected_count per expectation, rule counts."""
    meta = {
        "rows": summary["rows"],
        "evaluated": summary["evaluated"],
        "passed": summary["passed"],
        "failed": len(summary["failed"]),
        "errors": summary["errors"],
        "warnings": summary["warnings"],
        "success_percent": summary["success_percent"],
        "unexpected_counts": dg.MetadataValue.json(
            {f"{r['expectation']}({r['column']})": r["unexpected_count"] for r in summary["results"]}
        ),
        "failed_expectations": dg.MetadataValue.json(summary["failed"]),
    }
    if summary["data_docs"]:  # a link, not text: this suite's GX Data Docs (make docs: the offline copy)
        meta["data_docs"] = dg.MetadataValue.url(summary["data_docs"])
    meta["data_docs_offline"] = dg.MetadataValue.path(str(Path(docs_dir) / "gx" / "index.html"))
    if hasattr(suite, "rule_counts"):
        rules = suite.rule_counts(summary)
        meta["rules"] = dg.MetadataValue.json(rules)
        meta |= {f"{rule}_reports_broken": c["reports_broken"] for rule, c in rules.items()}
    return meta


def check_result(summary: dict, suite, docs_dir: str | Path, extra: dict | None = None) -> dg.AssetCheckResult:
    """Passed when nothing failed; ERROR severity when an error-level expectation failed, else WARN."""
    return dg.AssetCheckResult(
        asset_key=dg.AssetKey(suite.ASSET),
        check_name=suite.CHECK,
        passed=not summary["failed"],
        severity=dg.AssetCheckSeverity.ERROR if summary["errors"] else dg.AssetCheckSeverity.WARN,
        metadata=check_metadata(summary, suite, docs_dir) | (extra or {}),
    )


class Queued:
    """One suite's validation under way: what it reads (since) and reaches (through), its summary to come."""

    def __init__(self, since, through, pending):
        self.since, self.through, self.pending = since, through, pending


def queue(conn, suite, settings: NianbaoSettings, started_at, watermarks: dict) -> Queued | None:
    """Read the rows written since the suite's last successful validation (all rows on `make rebuild`) and hand
    them to GX (expectations.service); None when the suite's table is absent."""
    from expectations import audit, batches, service

    table = getattr(suite, "TABLE", None)
    if table is not None and not table_exists(conn, table):
        return None
    since = None if settings.full_refresh else audit.last_validated(conn, suite.NAME)
    if suite.WATERMARK not in watermarks:
        watermarks[suite.WATERMARK] = scope.watermark(conn, suite.WATERMARK)
    sql, params = suite.query(conn, Path(settings.raw_dir), started_at, since=since)
    # whole reports (paths, hashes) per batch of at most NIANBAO_CHECK_BATCH rows: memory bounded by a batch
    frames = batches.frames(conn, sql, params, suite.BATCH_KEY, settings.check_batch_rows)
    return Queued(since, watermarks[suite.WATERMARK], service.submit(frames, suite, Path(settings.gx_dir)))


def conclude(conn, run_id: str, suite, queued: Queued | None, settings: NianbaoSettings) -> dg.AssetCheckResult:
    """The suite's summary: appended with the watermark reached to audit.*, returned with counts as metadata."""
    from expectations import audit

    if queued is None:
        return dg.AssetCheckResult(
            asset_key=dg.AssetKey(suite.ASSET),
            check_name=suite.CHECK,
            passed=True,
            metadata={"skipped": f"{suite.TABLE} is absent", "evaluated": 0},
        )
    summary = queued.pending.result()
    validated = "every row" if queued.since is None else f"rows written after {queued.since.isoformat()}"
    extra = {"validated": validated}
    audit.record(
        conn,
        run_id,
        ".".join(suite.ASSET),
        summary,
        suite.CHECK,
        suite.BLOCKING,
        validated_through=queued.through,
        scope=validated,
    )
    failing = check_report.markdown(conn, summary, raw_dir=settings.raw_dir) if summary["failed"] else None
    if failing:  # the reports that fail, by name, in the check's page
        extra["failing_reports"] = dg.MetadataValue.md(failing)
    return check_result(summary, suite, settings.docs_dir, extra)


def crashed(suite, error: BaseException) -> dg.AssetCheckResult:
    """A non-blocking suite that could not be validated: a failed WARN result naming the error (it blocks nothing,
    as when it ran as a step of its own)."""
    return dg.AssetCheckResult(
        asset_key=dg.AssetKey(suite.ASSET),
        check_name=suite.CHECK,
        passed=False,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"error": f"{type(error).__name__}: {error}"},
    )


def build_step(name: str, suites: tuple, walk_raw_dir: bool) -> dg.AssetChecksDefinition:
    """One step for the suites of a stage (and nothing_lost, with walk_raw_dir): one check each in the UI."""
    specs = [check_spec(s) for s in suites] + ([contracts.SPEC] if walk_raw_dir else [])

    @dg.multi_asset_check(
        name=name,
        specs=specs,
        can_subset=True,  # one check run from the UI validates that suite only
        pool="duckdb_writer",
        description=f"GX suites ({', '.join(s.NAME for s in suites)}) on the rows this run wrote"
        + (", and nothing_lost" if walk_raw_dir else ""),
    )
    def _step(context: dg.AssetCheckExecutionContext, duckdb: DuckDBResource, settings: NianbaoSettings):
        """Validate each selected suite on the rows written since its last successful validation, on one warehouse
        connection; append the results and watermarks to audit.*; yield one result per check."""
        from expectations import audit, service

        selected = context.selected_asset_check_keys
        chosen = [s for s in suites if check_key(s) in selected]
        record = context.instance.get_run_record_by_id(context.run.run_id)
        started_at = record.start_time if record is not None else None
        walk = contracts.walk(settings.raw_dir) if walk_raw_dir and contracts.SPEC.key in selected else None
        # find(1) walks and its output is parsed (a thread) while this thread reads the suites' rows
        walked = None
        if walk is not None:
            pool = ThreadPoolExecutor(1, thread_name_prefix="nothing_lost")
            walked = pool.submit(contracts.walked, walk, started_at)
            pool.shutdown(wait=False)  # the thread ends with its one task
        failures = []  # a blocking suite's error: raised once every other check has its result
        clock = {"start": time.monotonic()}  # when each phase ended (a DEBUG line of the event log)
        try:
            with duckdb.get_connection() as conn:
                clock["open"] = time.monotonic()
                audit.ensure_tables(conn)
                queued, watermarks = {}, {}
                for suite in chosen:  # the GX process validates one suite while this process reads the next
                    try:
                        queued[suite.NAME] = queue(conn, suite, settings, started_at, watermarks)
                    except Exception as e:  # noqa: BLE001 (reported below, with this suite's result)
                        queued[suite.NAME] = e
                clock["read"] = time.monotonic()
                service.render_docs()  # every suite of the step at once; the GX process renders after answering
                clock["docs"] = time.monotonic()
                if walked is not None:  # while the GX process validates
                    entries, walk = walked.result(), None
                    yield contracts.nothing_lost(conn, settings.raw_dir, entries)
                clock["nothing_lost"] = time.monotonic()
                for suite in chosen:
                    try:
                        if isinstance(queued[suite.NAME], Exception):
                            raise queued[suite.NAME]
                        yield conclude(conn, context.run.run_id, suite, queued[suite.NAME], settings)
                    except Exception as e:
                        if suite.BLOCKING:
                            failures.append(e)
                        else:
                            context.log.error(f"{suite.NAME} could not be validated: {type(e).__name__}: {e}")
                            yield crashed(suite, e)
                clock["validated_and_recorded"] = time.monotonic()
        finally:
            if walk is not None:  # the step failed before reading the walk
                walk.kill()
                walk.wait()
        phases = list(clock.items())
        context.log.debug(
            "checks: "
            + ", ".join(f"{name} {t - phases[i][1]:.2f} s" for i, (name, t) in enumerate(phases[1:]))
            + f" ({len(chosen)} suites)"
        )
        if failures:
            raise failures[0]

    return _step


def build_checks() -> list[dg.AssetChecksDefinition]:
    """Every GX suite's asset check, and nothing_lost: one step per stage."""
    return [
        build_step(name, tuple(s for s in registry.SUITES if s.WATERMARK == kind), walk_raw_dir=kind == scope.RAW)
        for kind, name in STEPS.items()
    ]
