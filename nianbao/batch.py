"""Batch bookkeeping: discover and hash raw files, decide by content what to parse, record every outcome."""

import datetime as dt
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from nianbao import frames

CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class RawFile:
    """One file under the raw dir: where it is, what it holds (sha256) and how big it is."""

    path: str
    sha256: str
    size: int


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
    """Every regular file under raw_dir, recursively, sorted; hidden files and folders are skipped."""
    root = Path(raw_dir)
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            p = Path(dirpath) / name
            if not name.startswith(".") and p.is_file():
                yield p.resolve()


def sha256_file(path: str | os.PathLike) -> str:
    """Hex sha256 of a file's bytes, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def scan(raw_dir: str | os.PathLike) -> list[RawFile]:
    """Discover and hash every file under raw_dir."""
    return [RawFile(str(p), sha256_file(p), p.stat().st_size) for p in iter_files(raw_dir)]


def fingerprint(raw_dir: str | os.PathLike) -> str:
    """A cheap fingerprint of raw_dir (paths, sizes, mtimes; no reading): changes when files appear or change."""
    h = hashlib.sha256()
    for p in iter_files(raw_dir):
        st = p.stat()
        h.update(f"{p}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


# failures of the run, not of the file: tried again on the next run (the file itself may be fine)
TRANSIENT_ERRORS = frozenset({"Timeout", "WorkerCrashed", "MemoryLimit", "ConverterTimeout"})


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
        if f.sha256 in known:
            cached.append(f)
        else:
            to_parse.append(f)
            known.add(f.sha256)
    return Plan(tuple(to_parse), tuple(cached))


def extract_stream(files: Iterable[RawFile], extract_many: Callable[..., Iterable[dict]],
                   **limits) -> Iterator[dict]:
    """Run the isolated extractor over files, yielding one dict per file in order as it finishes; our hash wins."""
    files = list(files)
    if not files:
        return
    for f, ex in zip(files, extract_many([f.path for f in files], **limits), strict=True):
        ex = dict(ex)
        if ex.get("sha256") and ex["sha256"] != f.sha256 and ex.get("status") == "ok":
            raise RuntimeError(f"{f.path}: extractor hashed {ex['sha256']}, scan hashed {f.sha256}")
        ex["sha256"] = f.sha256
        ex.setdefault("source", f.path)
        yield ex


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


def chunk_frames(extractions: list[dict], files: Mapping[str, list[RawFile]], parser_version: str,
                 now: dt.datetime) -> dict:
    """The raw frames of one parsed chunk: its reports, figures, findings and failures, and a documents row for
    every path (in `files`, by sha256) that holds one of its contents, so that the chunk commits as a unit."""
    paths = {ex["sha256"]: [f.path for f in files.get(ex["sha256"]) or []] or [ex["source"]] for ex in extractions}
    out = frames.extraction_frames(extractions, parser_version, now, paths)
    seen = [f for ex in extractions
            for f in files.get(ex["sha256"]) or [RawFile(ex["source"], ex["sha256"], ex.get("size") or 0)]]
    out["documents"] = frames.frame("documents", document_rows(seen, extractions, {}, parser_version, now))
    return out


def document_rows(files: Iterable[RawFile], extractions: Iterable[dict], cache: dict[str, dict],
                  parser_version: str, now: dt.datetime) -> list[dict]:
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
            outcome = {"format": ex.get("format"), "parser_version": parser_version,
                       "status": ex.get("status"), "error_kind": err.get("kind"),
                       "error_message": err.get("message"), "extracted_at": now}
        else:
            prev = cache[f.sha256]
            outcome = {k: prev.get(k) for k in
                       ("format", "parser_version", "status", "error_kind", "error_message", "extracted_at")}
        rows.append({"sha256": f.sha256, "path": f.path, "size": f.size, **outcome,
                     "seen_at": now, "is_current": True})
    return rows


def batch_frames(plan_: Plan, extractions: list[dict], cache: dict[str, dict], parser_version: str,
                 now: dt.datetime) -> dict:
    """Every raw frame of one batch: documents for all files seen, the rest for freshly extracted contents."""
    out = frames.extraction_frames(extractions, parser_version, now, plan_.paths_by_sha)
    # a cached failure found at a new path is quarantined there too
    new_failed_paths = [  # (a content duplicated within this batch is quarantined by extraction_frames)
        frames.quarantine_row({"sha256": f.sha256, "format": cache[f.sha256].get("format"),
                               "error": {"kind": cache[f.sha256].get("error_kind"),
                                         "message": cache[f.sha256].get("error_message")}},
                              parser_version, now, f.path)
        for f in plan_.cached if f.sha256 in cache and cache[f.sha256].get("status") != "ok"]
    if new_failed_paths:
        import polars as pl
        out["quarantine"] = pl.concat([out["quarantine"], frames.frame("quarantine", new_failed_paths)])
    out["documents"] = frames.frame(
        "documents", document_rows((*plan_.to_parse, *plan_.cached), extractions, cache, parser_version, now))
    return out
