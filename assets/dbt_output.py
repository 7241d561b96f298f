"""dbt's output: each invocation's target folder under NIANBAO_HOME, its per-node lines in a file, progress as INFO."""

import contextlib
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg

from nianbao.progress import Progress, duration
from orchestration import settings

KEEP_TARGETS = 3  # target folders kept (about 7 MB each): the last runs' artifacts, for `dbt docs` or a look
CONSOLE_LOG = "dbt-console.log"  # in each target folder: the lines dbt prints, one per node start and end
EVERY_S = 5.0  # at most one progress line per this many seconds (plus the last)


def target_path(run_id: str, name: str = "nianbao_dbt") -> Path:
    """A fresh target folder for one dbt invocation of a run, under settings.dbt_target_dir(); the oldest folders
    beyond KEEP_TARGETS are removed."""
    root = settings.dbt_target_dir()
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"{name}-{run_id[:8]}-{time.strftime('%Y%m%dT%H%M%S')}"
    old = sorted((p for p in root.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for stale in old[:max(0, len(old) - KEEP_TARGETS + 1)]:
        shutil.rmtree(stale, ignore_errors=True)
    return path


def _kind(event) -> str:
    """'built' (a model or seed), 'passed', 'warned' or 'failed' (a test), or 'other'."""
    if isinstance(event, dg.Output | dg.AssetMaterialization):
        return "built"
    if isinstance(event, dg.AssetCheckResult | dg.AssetCheckEvaluation):
        if event.passed:
            return "passed"
        return "warned" if event.severity == dg.AssetCheckSeverity.WARN else "failed"
    if isinstance(event, dg.AssetObservation):  # a test that is no asset check (dbt status in its metadata)
        status = str(getattr(event.metadata.get("status"), "value", event.metadata.get("status")) or "")
        return {"pass": "passed", "warn": "warned"}.get(status, "failed" if status else "other")
    return "other"


def stream(invocation, context: dg.AssetExecutionContext, log: Path) -> Iterator:
    """The Dagster events of a dbt invocation (as dagster-dbt's `stream()` makes them), with the line dagster-dbt
    prints for each dbt event appended to `log` instead of stdout, and an INFO line at most every EVERY_S seconds:
    nodes done of dbt's total, rate, models built and tests passed, warned, failed."""
    log.parent.mkdir(parents=True, exist_ok=True)
    progress = Progress(0, unit="nodes")
    counts = {"built": 0, "passed": 0, "warned": 0, "failed": 0}
    last = time.monotonic()
    raw_events = invocation.stream_raw_events()
    with open(log, "a", encoding="utf-8") as out:
        while True:
            with contextlib.redirect_stdout(out):
                try:
                    raw = next(raw_events)
                except StopIteration:
                    break
            progress.total = max(progress.total, int((raw.raw_event.get("data") or {}).get("total") or 0))
            for event in raw.to_default_asset_events(
                    manifest=invocation.manifest, dagster_dbt_translator=invocation.dagster_dbt_translator,
                    context=context, target_path=invocation.target_path, project=invocation.project):
                kind = _kind(event)
                if kind in counts:
                    counts[kind] += 1
                    progress.advance(1)
                yield event
            if time.monotonic() - last >= EVERY_S and progress.done:
                last = time.monotonic()
                context.log.info(f"dbt: {progress.line()}; {_counts(counts)}")
    context.log.info(f"dbt: done, {progress.done:,} nodes in {duration(progress.elapsed)} "
                     f"({progress.rate:.1f} nodes/s); {_counts(counts)}; dbt's output: {log}")


def _counts(counts: dict[str, int]) -> str:
    """'44 built, 147 tests passed, 1 warned, 0 failed'."""
    return (f"{counts['built']} built, {counts['passed']} tests passed, {counts['warned']} warned, "
            f"{counts['failed']} failed")
