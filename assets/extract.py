"""Extract: parse new contents (by sha256 and PARSER_VERSION) in isolated workers, committing raw.* chunk by chunk."""

import datetime as dt
import time
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets import load, report_years
from assets.resources import NianbaoSettings
from nianbao import batch
from nianbao.progress import Progress


def parser_version() -> str:
    """The current nianbao.PARSER_VERSION (read at call time, so a change re-parses everything)."""
    import nianbao

    return str(nianbao.PARSER_VERSION)


def extract_many():
    """nianbao.isolation.extract_many: worker processes with time and memory limits (tests wrap this)."""
    from nianbao import isolation

    return isolation.extract_many


@dg.asset(
    key=["extract", "report_extractions"],
    group_name="extract",
    kinds={"python", "duckdb"},
    pool="duckdb_writer",
    deps=[dg.AssetKey(["ingest", "raw_documents"]), report_years.KEY],
)
def report_extractions(
    context: dg.AssetExecutionContext, duckdb: DuckDBResource, settings: NianbaoSettings
) -> dg.MaterializeResult:
    """Parse every content of raw.scan not yet extracted with this parser version, streaming: each chunk of
    NIANBAO_CHUNK documents commits its raw.* rows (documents rows included) in one transaction, so a killed run
    keeps its committed chunks and the next one parses only the rest. Only counts pass through Dagster."""
    version = parser_version()
    size = settings.extract_chunk
    t0 = time.monotonic()
    Path(settings.home).mkdir(parents=True, exist_ok=True)  # the warehouse file's folder
    with duckdb.get_connection() as conn:
        load.prepare(conn, settings.duckdb_memory_limit)
        files, total = load.scan_to_parse(conn, version)  # the new contents' files only (the join is in SQL)
        plan = batch.plan(files, ())  # one path per content parses it
        by_sha = batch.files_by_content(files)
        cached = total - len(plan.to_parse)  # files of known contents, and further paths of the new ones
        del files
        context.log.info(
            f"extract: {len(plan.to_parse):,} contents to parse, {cached:,} files cached, "
            f"chunks of {size:,} (parser {version})"
        )
        progress = Progress(len(plan.to_parse))
        stream = batch.extract_stream(
            plan.to_parse,
            extract_many(),
            workers=settings.extract_workers,
            timeout_s=settings.extract_timeout_s,
            memory_mb=settings.extract_memory_mb,
        )
        counts = {"chunks": 0, "parsed": 0, "failed": 0, "figures": 0, "reports": 0}
        writing = 0.0  # seconds spent making frames and committing, not parsing
        started = dt.datetime.now(dt.UTC)
        for seq, chunk in enumerate(batch.chunked(stream, size)):
            now = dt.datetime.now(dt.UTC)
            failed = [ex for ex in chunk if ex.get("status") != "ok"]
            for ex in failed:
                context.log.warning(f"quarantined {ex.get('source')}: {(ex.get('error') or {}).get('kind')}")
            w0 = time.monotonic()
            tables = batch.chunk_frames(chunk, by_sha, version, now)
            log = load.write_chunk(conn, tables, [ex["sha256"] for ex in chunk], context.run.run_id, seq, started)
            writing += time.monotonic() - w0
            progress.advance(len(chunk))
            counts = {
                "chunks": seq + 1,
                "parsed": counts["parsed"] + len(chunk),
                "failed": counts["failed"] + len(failed),
                "figures": counts["figures"] + log["n_figures"],
                "reports": counts["reports"] + log["n_reports"],
            }
            del chunk, tables, failed
            context.log.info(f"extract: chunk {seq + 1} committed; {progress.line()}")
            started = dt.datetime.now(dt.UTC)
    seconds = time.monotonic() - t0
    context.log.info(
        f"extract: done, {counts['parsed']:,} parsed ({counts['failed']:,} failed) in "
        f"{counts['chunks']} chunks, {seconds:.1f} s ({writing:.1f} s of it writing raw.*)"
    )
    return dg.MaterializeResult(
        metadata={
            "parser_version": version,
            "files": total,
            "cached": cached,
            **counts,
            "chunk_size": size,
            "seconds": round(seconds, 1),
            "write_seconds": round(writing, 1),
            "docs_per_s": round(counts["parsed"] / seconds, 1) if seconds > 0 else 0.0,
        }
    )
