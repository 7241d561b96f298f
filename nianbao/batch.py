"""Batch bookkeeping: discover and hash raw files, decide by content what to parse, record every outcome."""

import datetime as dt
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from nianbao import discovery, frames

CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class RawFile:
    """One entry under the raw dir: where it is, what it holds (sha256) and how big it is.

    `path` is readable (valid Unicode, what the warehouse records); `fs_path` opens the file when the name's
    bytes are not UTF-8 (a surrogateescape str; empty means `path`). An entry discovery could not read has
    `error_kind` and `error_message`, and its sha256 keys the entry (discovery.entry_sha256), not its content.
    """

    path: str
    sha256: str
    size: int
    fs_path: str = ""
    error_kind: str | None = None
    error_message: str | None = None
    stat_key: str = ""  # discovery.stat_key when the content was hashed (the next scan may reuse the hash)

    @property
    def open_path(self) -> str:
        """The path that opens the file (the file system's bytes)."""
        return self.fs_path or self.path

    @property
    def path_hex(self) -> str | None:
        """Hex of the path's bytes when they are not UTF-8, else None."""
        return discovery.Entry(self.path, self.open_path, "file").path_hex


@dataclass(frozen=True, slots=True)
class Plan:
    """What a batch does: files to parse (one path per new content) and files whose content is cached."""

    to_parse: tuple[RawFile, ...]
    cached: tuple[RawFile, ...]

    @property
    def paths_by_sha(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for f in (*self.to_parse, *self.cached):
            out.setdefault(f.sha256, []).append(f.path)
        return out


def iter_files(raw_dir: str | os.PathLike) -> Iterator[Path]:
    """Every regular file under raw_dir that a path can name (readable name, under PATH_MAX), in discovery order.

    Nothing is read. Entries that are not such files (unreadable, over-long, links leaving the raw dir …) are
    recorded by `scan`; `assets.contracts` counts every entry with an independent walk.
    """
    for e in discovery.walk(raw_dir, read=False):
        if e.kind == "file" and e.path == e.fs_path:
            yield Path(e.fs_path)


def sha256_file(path: str | os.PathLike) -> str:
    """Hex sha256 of a file's bytes, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def from_entry(e: discovery.Entry) -> RawFile:
    """A discovery entry as a RawFile: a file with its content hash, or a problem keyed by its path."""
    fs_path = "" if e.fs_path == e.path else e.fs_path
    if e.kind == "file" and e.sha256:
        return RawFile(e.path, e.sha256, e.size, fs_path, stat_key=e.stat_key)
    return RawFile(e.path, discovery.entry_sha256(e.fs_path), e.size, fs_path, e.kind, e.message)


def scan(raw_dir: str | os.PathLike, known: Mapping[str, str] | None = None) -> list[RawFile]:
    """Discover and hash every entry under raw_dir: files, and the entries that could not be read (error_kind set).

    `known` (stat_key -> sha256, from the last scan) spares reading files unchanged since: only new or changed
    files are read, so a scan of a national raw dir costs a directory walk."""
    return [from_entry(e) for e in discovery.walk(raw_dir, known=known)]


def scan_files(raw_dir: str | os.PathLike, fs_paths: Iterable[str]) -> list[RawFile]:
    """Read and hash some files under raw_dir (new or changed since the last scan, from nianbao.listing), as `scan`
    reads each file: a file that cannot be read is a problem entry."""
    return [from_entry(e) for e in discovery.read_files(raw_dir, fs_paths)]


# failures of the run, not of the file: tried again on the next run (the file itself may be fine)
TRANSIENT_ERRORS = frozenset(
    {
        "Timeout",
        "WorkerCrashed",
        "MemoryLimit",
        "ConverterTimeout",
        discovery.CHANGED,
        discovery.UNREADABLE,
        *discovery.ENTRY_KINDS,
    }
)


def plan(files: Iterable[RawFile], cached: Mapping[str, dict] | Iterable[str]) -> Plan:
    """Parse each content (sha256) not in the cache once, at its first path; everything else is cached.

    `cached` holds the contents already extracted with the current PARSER_VERSION (raw.documents rows by
    sha256, or just the sha256s). A file that failed is retried when the parser changes, or on the next run
    when the failure was the run's (a timeout, a crashed worker, the memory limit), not the file's.
    """
    if isinstance(cached, Mapping):
        known = {sha for sha, row in cached.items() if (row or {}).get("error_kind") not in TRANSIENT_ERRORS}
    else:
        known = set(cached)
    to_parse: list[RawFile] = []
    cached: list[RawFile] = []
    for f in files:
        if f.error_kind:  # an entry discovery could not read: recorded afresh on every run
            to_parse.append(f)
        elif f.sha256 in known:
            cached.append(f)
        else:
            to_parse.append(f)
            known.add(f.sha256)
    return Plan(tuple(to_parse), tuple(cached))


def clean_text(text: str | None) -> str | None:
    """Text that DuckDB can store: surrogate escapes (bytes of a non-UTF-8 name) shown readably."""
    if text is None:
        return None
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return discovery.readable(text.encode("utf-8", "surrogateescape"))


def entry_record(f: RawFile, kind: str, message: str) -> dict:
    """The error object of cli.md for an entry that was not (or could not be) extracted."""
    return {
        "source": f.path,
        "sha256": f.sha256,
        "format": None,
        "status": "error",
        "error": {"kind": kind, "message": message},
        "report": None,
        "figures": [],
        "findings": [],
    }


def extract_stream(files: Iterable[RawFile], extract_many: Callable[..., Iterable[dict]], **limits) -> Iterator[dict]:
    """Run the isolated extractor over files, yielding one dict per file in order as it finishes; our hash wins.

    Entries discovery could not read are recorded without a worker. A file whose bytes are no longer those
    discovery hashed (rewritten, deleted, made unreadable during the run) becomes a run fault
    (ChangedDuringRun or Unreadable, both in TRANSIENT_ERRORS): retried next run, the rest of the batch loads.
    """
    files = list(files)
    readable_files = [f for f in files if not f.error_kind]
    results = iter(extract_many([f.open_path for f in readable_files], **limits) if readable_files else ())
    for f in files:
        if f.error_kind:
            yield entry_record(f, f.error_kind, f.error_message or f.error_kind)
            continue
        ex = dict(next(results))
        err = ex.get("error") or {}
        if ex.get("sha256") and ex["sha256"] != f.sha256 and err.get("kind") not in TRANSIENT_ERRORS:
            ex = entry_record(
                f,
                discovery.CHANGED,
                f"the file changed while the run read it (sha256 "
                f"{f.sha256[:12]}… when discovered, {ex['sha256'][:12]}… when "
                "read); it is read again on the next run",
            )
        if ex.get("error"):
            ex["error"] = {**ex["error"], "message": clean_text(ex["error"].get("message"))}
        ex["sha256"] = f.sha256
        ex["source"] = f.path
        yield ex
    if next(results, None) is not None:
        raise RuntimeError("the extractor returned more results than files")


def extract(files: Iterable[RawFile], extract_many: Callable[..., Iterable[dict]], **limits) -> list[dict]:
    """Every extract dict of extract_stream as one list (small batches and tests; the pipeline streams)."""
    return list(extract_stream(files, extract_many, **limits))


def chunked(items: Iterable, size: int) -> Iterator[list]:
    """Consecutive lists of at most `size` items (the last may be shorter); nothing is read ahead of a chunk."""
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def files_by_content(files: Iterable[RawFile]) -> dict[str, list[RawFile]]:
    """Every file grouped by its content (sha256), in scan order."""
    out: dict[str, list[RawFile]] = {}
    for f in files:
        out.setdefault(f.sha256, []).append(f)
    return out


def chunk_frames(
    extractions: list[dict], files: Mapping[str, list[RawFile]], parser_version: str, now: dt.datetime
) -> dict:
    """The raw frames of one parsed chunk: its reports, figures, findings, extraction checks and failures, and a
    documents row for every path (in `files`, by sha256) that holds one of its contents, so that the chunk commits
    as a unit."""
    paths = {ex["sha256"]: [f.path for f in files.get(ex["sha256"]) or []] or [ex["source"]] for ex in extractions}
    out = frames.extraction_frames(extractions, parser_version, now, paths)
    seen = [
        f
        for ex in extractions
        for f in files.get(ex["sha256"]) or [RawFile(ex["source"], ex["sha256"], ex.get("size") or 0)]
    ]
    out["documents"] = frames.frame("documents", document_rows(seen, extractions, {}, parser_version, now))
    return out


def document_rows(
    files: Iterable[RawFile], extractions: Iterable[dict], cache: dict[str, dict], parser_version: str, now: dt.datetime
) -> list[dict]:
    """raw.documents rows for every file seen in this batch (one per path and content).

    A freshly extracted content takes its status from the extract dict; a cached content keeps the
    outcome recorded when it was extracted (`cache` maps sha256 to that raw.documents row).
    """
    fresh = {ex["sha256"]: ex for ex in extractions}
    rows = []
    for f in files:
        if f.sha256 in fresh:
            ex = fresh[f.sha256]
            err = ex.get("error") or {}
            outcome = {
                "format": ex.get("format"),
                "parser_version": parser_version,
                "status": ex.get("status"),
                "error_kind": err.get("kind"),
                "error_message": err.get("message"),
                "extracted_at": now,
            }
        else:
            prev = cache[f.sha256]
            outcome = {
                k: prev.get(k)
                for k in ("format", "parser_version", "status", "error_kind", "error_message", "extracted_at")
            }
        rows.append(
            {
                "sha256": f.sha256,
                "path": f.path,
                "size": f.size,
                **outcome,
                "seen_at": now,
                "is_current": True,
                "path_hex": f.path_hex,
            }
        )
    return rows


def batch_frames(
    plan_: Plan, extractions: list[dict], cache: dict[str, dict], parser_version: str, now: dt.datetime
) -> dict:
    """Every raw frame of one batch: documents for all files seen, the rest for freshly extracted contents."""
    out = frames.extraction_frames(extractions, parser_version, now, plan_.paths_by_sha)
    # a cached failure found at a new path is quarantined there too
    new_failed_paths = [  # (a content duplicated within this batch is quarantined by extraction_frames)
        frames.quarantine_row(
            {
                "sha256": f.sha256,
                "format": cache[f.sha256].get("format"),
                "error": {"kind": cache[f.sha256].get("error_kind"), "message": cache[f.sha256].get("error_message")},
            },
            parser_version,
            now,
            f.path,
        )
        for f in plan_.cached
        if f.sha256 in cache and cache[f.sha256].get("status") != "ok"
    ]
    if new_failed_paths:
        import polars as pl

        out["quarantine"] = pl.concat([out["quarantine"], frames.frame("quarantine", new_failed_paths)])
    out["documents"] = frames.frame(
        "documents", document_rows((*plan_.to_parse, *plan_.cached), extractions, cache, parser_version, now)
    )
    return out
