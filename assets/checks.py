"""Checks: every GX suite of expectations.registry as a Dagster asset check on the rows a run wrote; audit.*."""

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets import check_report
from assets.resources import NianbaoSettings
from expectations import registry

FIGURES_MART = dg.AssetKey(["marts", "fct_report_figures"])
STRUCTURAL_CONTRACT = "structural_contract"


def table_exists(conn, table: str) -> bool:
    """True when schema.table exists in the warehouse."""
    schema, name = table.split(".")
    return (
        conn.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, name]
        ).fetchone()[0]
        > 0
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
        passed=not summary["failed"],
        severity=dg.AssetCheckSeverity.ERROR if summary["errors"] else dg.AssetCheckSeverity.WARN,
        metadata=check_metadata(summary, suite, docs_dir) | (extra or {}),
    )


def build_check(suite) -> dg.AssetChecksDefinition:
    """One asset check for one suite module (blocking when the suite is structural)."""
    asset = dg.AssetKey(suite.ASSET)

    @dg.asset_check(
        asset=asset,
        name=suite.CHECK,
        blocking=suite.BLOCKING,
        pool="duckdb_writer",
        description=(suite.__doc__ or suite.NAME).strip().splitlines()[0],
    )
    def _check(
        context: dg.AssetCheckExecutionContext, duckdb: DuckDBResource, settings: NianbaoSettings
    ) -> dg.AssetCheckResult:
        """Validate the rows written since the suite's last successful validation (all rows on `make rebuild`),
        append the results and the watermark reached to audit.*, return counts as metadata."""
        from expectations import audit, batches, scope, service

        record = context.instance.get_run_record_by_id(context.run.run_id)
        started_at = record.start_time if record is not None else None
        table = getattr(suite, "TABLE", None)
        with duckdb.get_connection() as conn:
            if table is not None and not table_exists(conn, table):
                return dg.AssetCheckResult(passed=True, metadata={"skipped": f"{table} is absent", "evaluated": 0})
            since = None if settings.full_refresh else audit.last_validated(conn, suite.NAME)
            through = scope.watermark(conn, suite.WATERMARK)
            sql, params = suite.query(conn, Path(settings.raw_dir), started_at, since=since)
            # whole reports (paths, hashes) per batch of at most NIANBAO_CHECK_BATCH rows: memory bounded by a batch
            frames = batches.frames(conn, sql, params, suite.BATCH_KEY, settings.check_batch_rows)
            summary = service.validate_batches(frames, suite, Path(settings.gx_dir))
        validated = "every row" if since is None else f"rows written after {since.isoformat()}"
        extra = {"validated": validated}
        with duckdb.get_connection() as conn:
            audit.record(
                conn,
                context.run.run_id,
                ".".join(suite.ASSET),
                summary,
                suite.CHECK,
                suite.BLOCKING,
                validated_through=through,
                scope=validated,
            )
            failing = check_report.markdown(conn, summary, raw_dir=settings.raw_dir) if summary["failed"] else None
        if failing:  # the reports that fail, by name, in the check's page
            extra["failing_reports"] = dg.MetadataValue.md(failing)
        return check_result(summary, suite, settings.docs_dir, extra)

    return _check


def build_checks() -> list[dg.AssetChecksDefinition]:
    """Every GX suite's asset check."""
    return [build_check(suite) for suite in registry.SUITES]
