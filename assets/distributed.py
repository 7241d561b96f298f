"""Extraction spread over workers (NIANBAO_EXECUTOR=celery): extract/report_extractions as one step per chunk.

The planning step lists the contents to parse (raw.scan against raw.documents, as assets/extract.py does) and
fans them out in chunks of NIANBAO_CHUNK; each chunk is a step a Celery worker runs: it parses its files and
commits their raw.* rows in one DuckLake transaction (assets/load.write_chunk). A chunk is idempotent: its commit
replaces the rows of its contents, and a chunk delivered again skips the contents already committed at this parser
version, so a worker that dies mid-chunk (nothing committed) or after its commit (the task is delivered again)
loses and doubles nothing. Concurrent chunk commits that conflict in the catalog are retried.
"""

import datetime as dt
import random
import time

import dagster as dg
import duckdb as ddb
from dagster_duckdb import DuckDBResource

from assets import extract, load
from assets.resources import NianbaoSettings
from nianbao import batch

COMMIT_ATTEMPTS = 8  # a chunk's commit retried this often when another writer's commit conflicts with it


@dg.op(ins={"after": dg.In(dg.Nothing)}, out=dg.DynamicOut(dict), pool="duckdb_writer")
def plan_chunks(context: dg.OpExecutionContext, duckdb: DuckDBResource, settings: NianbaoSettings):
    """The chunks to parse: the contents of raw.scan not yet extracted with this parser version (at least one
    chunk, maybe empty, so the steps after always run)."""
    version = extract.parser_version()
    size = settings.extract_chunk
    with duckdb.get_connection() as conn:
        load.prepare(conn, settings.duckdb_memory_limit)
        files = load.read_scan(conn)
        plan = batch.plan(files, load.known_contents(conn, version))
    todo = {f.sha256 for f in plan.to_parse}
    by_sha = batch.files_by_content(f for f in files if f.sha256 in todo)
    context.log.info(
        f"extract: {len(plan.to_parse):,} contents to parse in chunks of {size:,} over the workers, "
        f"{len(plan.cached):,} files cached (parser {version})"
    )
    chunks = list(batch.chunked(plan.to_parse, size)) or [[]]
    for seq, part in enumerate(chunks):
        files_of = [f for sha in dict.fromkeys(f.sha256 for f in part) for f in by_sha[sha]]
        yield dg.DynamicOutput(
            {
                "seq": seq,
                "to_parse": list(part),
                "files": files_of,
                "files_total": len(plan.to_parse) + len(plan.cached),
                "cached": len(plan.cached),
            },
            mapping_key=f"chunk_{seq}",
        )


def commit(conn, tables, contents, run_id: str, seq: int, started: dt.datetime, log) -> dict:
    """write_chunk, retried (with jitter) while a concurrent commit to the catalog conflicts with this one."""
    for attempt in range(1, COMMIT_ATTEMPTS + 1):
        try:
            return load.write_chunk(conn, tables, contents, run_id, seq, started)
        except ddb.Error as e:  # DuckLake: "Transaction conflict ..." when another chunk committed first
            if "conflict" not in str(e).lower() or attempt == COMMIT_ATTEMPTS:
                raise
            log.warning(f"extract: chunk {seq} commit conflicted ({attempt}/{COMMIT_ATTEMPTS}), retrying: {e}")
            time.sleep(random.uniform(0.2, 1.0) * attempt)
    raise AssertionError("unreachable")


@dg.op(retry_policy=dg.RetryPolicy(max_retries=2, delay=5))
def parse_chunk(context: dg.OpExecutionContext, duckdb: DuckDBResource, settings: NianbaoSettings, chunk: dict) -> dict:
    """Parse one chunk in isolated workers and commit its raw.* rows in one transaction (idempotent)."""
    version = extract.parser_version()
    seq = chunk["seq"]
    t0 = time.monotonic()
    with duckdb.get_connection() as conn:
        load.prepare(conn, settings.duckdb_memory_limit)
        done = load.known_contents(conn, version)  # a chunk delivered again: its committed contents are kept
        to_parse = [f for f in chunk["to_parse"] if f.error_kind or f.sha256 not in done]
        counts = {
            "chunks": 0,
            "parsed": 0,
            "failed": 0,
            "figures": 0,
            "reports": 0,
            "skipped": 0,
            "seconds": 0.0,
            "files_total": chunk["files_total"],
            "cached": chunk["cached"],
        }
        counts["skipped"] = len(chunk["to_parse"]) - len(to_parse)
        if to_parse:
            started = dt.datetime.now(dt.UTC)
            parsed = list(
                batch.extract_stream(
                    to_parse,
                    extract.extract_many(),
                    workers=settings.extract_workers,
                    timeout_s=settings.extract_timeout_s,
                    memory_mb=settings.extract_memory_mb,
                )
            )
            failed = [ex for ex in parsed if ex.get("status") != "ok"]
            for ex in failed:
                context.log.warning(f"quarantined {ex.get('source')}: {(ex.get('error') or {}).get('kind')}")
            by_sha = batch.files_by_content(chunk["files"])
            tables = batch.chunk_frames(parsed, by_sha, version, dt.datetime.now(dt.UTC))
            log = commit(conn, tables, [ex["sha256"] for ex in parsed], context.run.run_id, seq, started, context.log)
            counts |= {
                "chunks": 1,
                "parsed": len(parsed),
                "failed": len(failed),
                "figures": log["n_figures"],
                "reports": log["n_reports"],
            }
    counts["seconds"] = round(time.monotonic() - t0, 2)
    context.log.info(
        f"extract: chunk {seq} committed: {counts['parsed']} parsed, {counts['skipped']} already "
        f"committed, {counts['seconds']} s"
    )
    return counts


@dg.op
def total_chunks(context: dg.OpExecutionContext, settings: NianbaoSettings, counts: list[dict]) -> dict:
    """The extraction's totals over every chunk (the asset's metadata, as assets/extract.py reports them)."""
    keys = ("chunks", "parsed", "failed", "figures", "reports", "skipped")
    total = {k: sum(c[k] for c in counts) for k in keys}
    seconds = sum(c["seconds"] for c in counts)
    meta = {
        "parser_version": extract.parser_version(),
        "files": counts[0]["files_total"] if counts else 0,
        "cached": counts[0]["cached"] if counts else 0,
        **total,
        "chunk_size": settings.extract_chunk,
        "worker_seconds": round(seconds, 1),
        "docs_per_s": round(total["parsed"] / seconds, 1) if seconds > 0 else 0.0,
    }
    context.add_output_metadata(meta)
    return meta


@dg.graph_asset(
    key=["extract", "report_extractions"],
    group_name="extract",
    kinds={"python", "duckdb"},
    ins={"raw_documents": dg.AssetIn(key=["ingest", "raw_documents"], dagster_type=dg.Nothing)},
)
def report_extractions(raw_documents):
    """Every content of raw.scan not yet extracted with this parser version, parsed chunk by chunk on the workers;
    each chunk commits its raw.* rows in its own transaction."""
    return total_chunks(plan_chunks(after=raw_documents).map(parse_chunk).collect())
