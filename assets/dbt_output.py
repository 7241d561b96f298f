"""dbt's output: each invocation's target folder under NIANBAO_HOME, its per-node lines in a file, progress as INFO,
and each table's row count and column types (logged by a post-hook) on its materialization."""

import contextlib
import json
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import dagster as dg
from dagster_dbt.errors import DagsterDbtCliRuntimeError

from assets import dbt_files, table_metadata
from nianbao.progress import Progress, duration

KEEP_TARGETS = 3  # target folders kept (about 7 MB each): the last runs' artifacts, for `dbt docs` or a look
CONSOLE_LOG = "dbt-console.log"  # in each target folder: the lines dbt prints, one per node start and end
EVERY_S = 30.0  # a progress line at each quarter of the nodes, and at least every this many seconds
TABLE_METADATA = "nianbao_table_metadata "  # the prefix of macros/log_table_metadata.sql's line
# dbt's parse cache (dbt_files.PARTIAL_PARSE). dagster-dbt copies the project's (parsed by `make manifest` under
# another profile, so useless: dbt then parses the whole project, ~3 s) only into a target folder that has none


def target_path(root: str | Path, run_id: str, name: str = "nianbao_dbt") -> Path:
    """A fresh target folder for one dbt invocation of a run, under root (NIANBAO_HOME/dbt_target), holding the last
    run's partial parse; the oldest folders beyond KEEP_TARGETS are removed."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"{name}-{run_id[:8]}-{time.strftime('%Y%m%dT%H%M%S')}"
    old = sorted((p for p in root.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    parsed = dbt_files.latest_partial_parse(root)
    if parsed:  # the last run's parse, made with this warehouse's profile: dbt re-parses only what changed since
        path.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(parsed, path / dbt_files.PARTIAL_PARSE)
    for stale in old[: max(0, len(old) - KEEP_TARGETS + 1)]:
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


def logged_table_metadata(raw_event: dict) -> tuple[str, dict] | None:
    """(unique_id, metadata) from the line macros/log_table_metadata.sql logs after a model or seed, else None."""
    info = raw_event.get("info") or {}
    msg = info.get("msg") or ""
    if info.get("name") != "JinjaLogInfo" or not msg.startswith(TABLE_METADATA):
        return None
    uid = ((raw_event.get("data") or {}).get("node_info") or {}).get("unique_id")
    try:
        found = json.loads(msg[len(TABLE_METADATA) :])
    except ValueError:  # a line cut or garbled: the table goes without its metadata, the run goes on
        return None
    return (uid, found) if uid and isinstance(found.get("columns"), list) else None


def with_table_metadata(event, found: dict, node: dict | None):
    """A model's or seed's Output with dagster/row_count and dagster/column_schema (column descriptions from the
    dbt YAML)."""
    described = {c: v.get("description") for c, v in ((node or {}).get("columns") or {}).items()}
    meta = table_metadata.as_metadata([(n, t, described.get(n)) for n, t in found["columns"]], found["row_count"])
    return event.with_metadata({**event.metadata, **meta})


def stream(
    invocation,
    context: dg.AssetExecutionContext,
    log: Path,
    finish: Callable[[list], Iterable] | None = None,
) -> Iterator:
    """The Dagster events of a dbt invocation (as dagster-dbt's `stream()` makes them), as dbt runs, with the line
    dagster-dbt prints for each dbt event appended to `log` instead of stdout; each model's and seed's Output with
    the row count and column types its post-hook logged; an INFO line at each quarter of dbt's nodes and at least every
    EVERY_S seconds: nodes done of dbt's total, rate, models built and tests passed, warned, failed.
    With `finish`, the check results of the tests that warned or failed are held until dbt has exited (its lock on
    the warehouse released, even when it failed) and go out through `finish(held)`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    progress = Progress(0, unit="nodes")
    counts = {"built": 0, "passed": 0, "warned": 0, "failed": 0}
    last = time.monotonic()
    shown = 0  # the last quarter of the nodes a progress line was logged for
    tables: dict[str, dict] = {}  # unique_id -> what its post-hook logged, until its Output
    raw_events = invocation.stream_raw_events()
    held, error = [], None  # checks that warned or failed, for `finish`; dbt's failure, raised after them
    with open(log, "a", encoding="utf-8") as out:
        while True:
            with contextlib.redirect_stdout(out):
                try:
                    raw = next(raw_events)
                except StopIteration:
                    break
                except DagsterDbtCliRuntimeError as exc:
                    if finish is None:
                        raise
                    error = exc
                    break
            progress.total = max(progress.total, int((raw.raw_event.get("data") or {}).get("total") or 0))
            logged = logged_table_metadata(raw.raw_event)
            if logged is not None:
                tables[logged[0]] = logged[1]
            for event in raw.to_default_asset_events(
                manifest=invocation.manifest,
                dagster_dbt_translator=invocation.dagster_dbt_translator,
                context=context,
                target_path=invocation.target_path,
                project=invocation.project,
            ):
                uid = _unique_id(event)
                if uid in tables and isinstance(event, dg.Output | dg.AssetMaterialization):
                    event = with_table_metadata(event, tables.pop(uid), invocation.manifest["nodes"].get(uid))
                kind = _kind(event)
                if kind in counts:
                    counts[kind] += 1
                    progress.advance(1)
                if finish is not None and kind in ("warned", "failed") and _is_check(event):
                    held.append(event)
                else:
                    yield event
            quarter = 4 * progress.done // progress.total if progress.total else 0
            if progress.done < progress.total and (quarter > shown or time.monotonic() - last >= EVERY_S):
                last, shown = time.monotonic(), quarter
                context.log.info(f"dbt: {progress.line()}; {_counts(counts)}")
    context.log.info(
        f"dbt: done, {progress.done:,} nodes in {duration(progress.elapsed)} "
        f"({progress.rate:.1f} nodes/s); {_counts(counts)}; dbt's output: {log}"
    )
    if held:
        yield from finish(held)
    if error is not None:
        raise error


def _is_check(event) -> bool:
    """An asset check's result (a dbt test selected as a check), not an observation."""
    return isinstance(event, dg.AssetCheckResult | dg.AssetCheckEvaluation)


def _unique_id(event) -> str | None:
    """The dbt unique_id dagster-dbt puts in an event's metadata."""
    value = (getattr(event, "metadata", None) or {}).get("unique_id")
    return getattr(value, "value", value)


def _counts(counts: dict[str, int]) -> str:
    """'44 built, 147 tests passed, 1 warned, 0 failed'."""
    return (
        f"{counts['built']} built, {counts['passed']} tests passed, {counts['warned']} warned, "
        f"{counts['failed']} failed"
    )
