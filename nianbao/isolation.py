"""Extract many files in a small pool of limited worker processes: a crash, hang or memory blow-up becomes an error record."""

import hashlib
import importlib
import os
import queue
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from multiprocessing.connection import Connection, wait
from pathlib import Path

DEFAULT_JOB = "nianbao.extract:extract_bytes"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
LO_CHUNK = 40  # DOC/WPS files per LibreOffice run


def _resolve(job: str):
    module, _, name = job.partition(":")
    return getattr(importlib.import_module(module), name)


def read_only(data: bytes, source: str) -> dict:
    """A job that only reads the document (no parsing): a summary for benchmarks and reader tests."""
    from nianbao.readers import ReadError, read_document
    from nianbao.readers.sniff import sniff_format

    fmt = sniff_format(data, source)
    base = {"source": source, "sha256": hashlib.sha256(data).hexdigest(), "format": fmt}
    try:
        doc = read_document(data, source, fmt)
    except ReadError as e:
        return {**base, "status": "error", "error": {"kind": e.kind, "message": str(e)}}
    return {
        **base,
        "status": "ok",
        "error": None,
        "pages": doc.pages,
        "ocr": doc.ocr,
        "chars": len(doc.text),
        "tables": [[t.n_rows, t.n_cols, len(t.cells)] for t in doc.tables],
        "paragraphs": len(doc.blocks) - len(doc.tables),
        "warnings": doc.warnings,
    }


def error_record(source: str, kind: str, message: str) -> dict:
    """The error object of cli.md for a file whose worker failed (sha256 and format read here, in the parent)."""
    try:
        data = Path(source).read_bytes()
    except OSError:
        data = None
    from nianbao.readers.sniff import sniff_format

    fmt = sniff_format(data, source) if data is not None else "unknown"
    try:
        from nianbao.extract import error_result

        return error_result(source, data, fmt, kind, message)  # sha256 None when the bytes could not be read
    except ImportError:
        return {
            "source": source,
            "sha256": None if data is None else hashlib.sha256(data).hexdigest(),
            "format": fmt,
            "status": "error",
            "error": {"kind": kind, "message": message},
            "report": None,
            "figures": [],
            "findings": [],
        }


MEMORY_SIGNS = (
    "bad_alloc",
    "MemoryError",
    "Failed to allocate",
    "failed to allocate",
    "out of memory",
    "Out of memory",
    "Cannot allocate memory",
)


def memory_fault(result: dict) -> dict:
    """An error result caused by a memory failure (std::bad_alloc from OCR, MemoryError wrapped by a reader)
    is the run's MemoryLimit, not a fault of the file (CorruptPDF, ReaderFailed …)."""
    err = result.get("error") if isinstance(result, dict) else None
    if not err or err.get("kind") == "MemoryLimit":
        return result
    message = str(err.get("message") or "")
    if any(sign in message for sign in MEMORY_SIGNS):
        return {
            **result,
            "error": {"kind": "MemoryLimit", "message": f"out of memory while reading ({err.get('kind')}: {message})"},
        }
    return result


STARTUP_S = 120.0  # a worker still importing its readers after this (plus the file limit) is stuck
READY = -1  # the index a worker sends once its imports are done


def _worker(conn, job: str, memory_mb: int | None, lo_profile: str) -> None:
    """Worker loop: receive batches of (index, path, converted_docx_path), send (index, result) per task."""
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from nianbao.readers import doc as docreader

    docreader.use_profile(lo_profile)
    fn = _resolve(job)
    from nianbao.runtime import tune_for_batch

    tune_for_batch()
    conn.send((READY, None))  # the time limit of a file starts now, not while the worker imports its readers
    while True:
        try:
            batch = conn.recv()
        except (EOFError, OSError):
            return
        if batch is None:
            return
        for index, path, docx_path in batch:
            try:
                data = Path(path).read_bytes()
                if docx_path:
                    docreader.CONVERTED[hashlib.sha256(data).hexdigest()] = Path(docx_path).read_bytes()
                result = memory_fault(fn(data, path))
            except MemoryError:
                data = None
                result = ("MemoryLimit", f"the reader ran out of memory (limit {memory_mb} MB)")
            except OSError as e:
                result = ("Unreadable", f"{type(e).__name__}: {e}")
            except Exception as e:  # the job should not raise; record it anyway
                result = ("WorkerError", f"{type(e).__name__}: {e}")
            docreader.CONVERTED.clear()
            conn.send((index, result))  # the failed allocation was freed while the exception unwound


def worker_main(argv: list[str]) -> None:
    """Entry of `python -m nianbao.isolation --worker FD JOB MEMORY_MB LO_PROFILE` (stdout kept clean)."""
    fd, job, memory_mb, lo_profile = int(argv[0]), argv[1], int(argv[2]), argv[3]
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.dup2(2, 1)  # libraries that print go to stderr; results travel over the socket only
    _worker(Connection(fd), job, memory_mb or None, lo_profile)


class _Slot:
    """One worker process (its own session, so a LibreOffice child dies with it) with its socket and tasks."""

    def __init__(self, job: str, memory_mb: int | None, lo_profile: str, threads: int = 1):
        parent, child = socket.socketpair()
        fd = child.fileno()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "nianbao.isolation", "--worker", str(fd), job, str(memory_mb or 0), lo_profile],
            pass_fds=(fd,),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            start_new_session=True,
            env={**os.environ, "NIANBAO_OCR_THREADS": os.environ.get("NIANBAO_OCR_THREADS", str(threads))},
        )
        child.close()
        self.conn = Connection(parent.detach())
        self.inflight: deque = deque()
        self.started = self.last = time.monotonic()
        self.ready = False

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()
        self.conn.close()


def _convert_docs(tasks: list[tuple[int, str]], out_dir: str, profile: str, done: queue.Queue) -> None:
    """Background: convert DOC/WPS files to DOCX in chunks, one LibreOffice run per chunk; report each chunk."""
    from nianbao.readers import ReadError
    from nianbao.readers.doc import Converter

    conv = Converter(profile)
    for k in range(0, len(tasks), LO_CHUNK):
        chunk = tasks[k : k + LO_CHUNK]
        converted: dict[int, str | None] = {}
        try:
            datas = [Path(p).read_bytes() for _, p in chunk]
            outs = conv.convert(datas, "docx")
            for (i, _), out in zip(chunk, outs):
                if out is not None:
                    path = os.path.join(out_dir, f"{i}.docx")
                    Path(path).write_bytes(out)
                    converted[i] = path
        except (ReadError, OSError):
            pass  # the workers convert these one by one, each under its own time limit
        done.put([(i, p, converted.get(i)) for i, p in chunk])


def extract_many(
    paths: Iterable[str | os.PathLike],
    workers: int = 2,
    timeout_s: float = 120.0,
    memory_mb: int | None = 4096,
    job: str = DEFAULT_JOB,
    batch: int = 8,
    window: int = 1024,
) -> Iterator[dict]:
    """One result per path, in input order (see _extract_pool); a file that ran out of memory is tried once more,
    alone (one worker), with twice the memory limit, before its MemoryLimit is recorded (a run fault, retried
    by the next run)."""
    paths = [str(p) for p in paths]
    pool = _extract_pool(paths, workers, timeout_s, memory_mb, job, batch, window)
    for path, result in zip(paths, pool, strict=True):
        if (result.get("error") or {}).get("kind") == "MemoryLimit" and memory_mb:
            again = next(iter(_extract_pool([path], 1, timeout_s, memory_mb * 2, job, 1)))
            if (again.get("error") or {}).get("kind") != "MemoryLimit":
                result = again
        yield result


def _extract_pool(
    paths: list[str],
    workers: int = 2,
    timeout_s: float = 120.0,
    memory_mb: int | None = 4096,
    job: str = DEFAULT_JOB,
    batch: int = 8,
    window: int = 1024,
) -> Iterator[dict]:
    """One result per path, in input order; a worker that crashed, timed out or ran out of memory gives an error record.

    `job` names a function (data, source) -> dict as "module:function". DOC/WPS files are converted by one
    LibreOffice run per chunk in the background while the workers read the other files. No file more than
    `window` places after the next result due is started, so results held for ordering (behind one slow file, a
    scan under OCR say) stay bounded, whatever the number of paths.
    """
    paths = [str(p) for p in paths]
    if not paths:
        return
    tmp = tempfile.mkdtemp(prefix="nianbao-iso-")
    pending: deque = deque()
    doc_tasks = []
    for i, p in enumerate(paths):
        try:
            with open(p, "rb") as f:
                head = f.read(8)
        except OSError:
            head = b""
        if head == OLE_MAGIC:
            doc_tasks.append((i, p))
        else:
            pending.append((i, p, None))
    conv_done: queue.Queue = queue.Queue()
    conv_left = 0
    from nianbao.readers.doc import soffice_path

    if doc_tasks and soffice_path():
        conv_left = (len(doc_tasks) + LO_CHUNK - 1) // LO_CHUNK
        threading.Thread(
            target=_convert_docs, args=(doc_tasks, tmp, os.path.join(tmp, "lo-main"), conv_done), daemon=True
        ).start()
    else:
        pending.extend((i, p, None) for i, p in doc_tasks)
        ready = sorted(pending)  # by index: the window reads the head
        pending.clear()
        pending.extend(ready)
    workers = max(1, min(workers, len(paths)))
    slots: list[_Slot | None] = [None] * workers
    results: dict[int, dict] = {}
    nxt = 0

    def start(k: int) -> _Slot:
        return _Slot(job, memory_mb, os.path.join(tmp, f"lo-{k}"), max(1, (os.cpu_count() or 1) // workers))

    def fail(slot: _Slot, kind: str, message: str) -> None:
        """The task the worker was on gets the error; the rest of its batch goes back to the queue."""
        if slot.inflight:
            i, p, _ = slot.inflight.popleft()
            results[i] = error_record(p, kind, message)
        pending.extendleft(reversed(slot.inflight))
        slot.inflight.clear()

    def assign(slot: _Slot) -> None:
        if slot.inflight or not pending or pending[0][0] >= nxt + window:
            return
        n = max(1, min(batch, len(pending) // (2 * workers) or 1))
        tasks = []
        while pending and len(tasks) < n and pending[0][0] < nxt + window:
            tasks.append(pending.popleft())
        slot.inflight.extend(tasks)
        slot.last = time.monotonic()
        try:
            slot.conn.send(tasks)
        except (BrokenPipeError, OSError):
            pass  # its death is noticed through the sentinel

    def take(slot: _Slot, msg) -> None:
        index, result = msg
        slot.last = time.monotonic()
        if index == READY:
            slot.ready = True
            return
        if isinstance(result, tuple):
            result = error_record(paths[index], *result)
        results[index] = result
        if slot.inflight and slot.inflight[0][0] == index:
            slot.inflight.popleft()

    try:
        for k in range(workers):
            slots[k] = start(k)
        while nxt < len(paths):
            while conv_left:
                try:
                    ready = sorted([*pending, *conv_done.get_nowait()])  # by index: the window reads the head
                    pending.clear()
                    pending.extend(ready)
                    conv_left -= 1
                except queue.Empty:
                    break
            for s in slots:
                assign(s)
            wait([s.conn for s in slots], timeout=0.2 if conv_left else 1.0)
            now = time.monotonic()
            for k, s in enumerate(slots):
                dead = False
                try:
                    while s.conn.poll():
                        take(s, s.conn.recv())
                except (EOFError, OSError):
                    dead = True
                if dead or not s.alive():
                    try:
                        code = s.proc.wait(5)
                    except subprocess.TimeoutExpired:
                        s.kill()
                        code = s.proc.returncode
                    if s.inflight:
                        if code == -signal.SIGKILL:
                            fail(s, "MemoryLimit", "the worker was killed (out of memory)")
                        else:
                            name = signal.Signals(-code).name if code is not None and code < 0 else f"exit {code}"
                            fail(s, "WorkerCrashed", f"the worker died while reading this file ({name})")
                    s.kill()
                    slots[k] = start(k)
                elif s.inflight and s.ready and now - s.last > timeout_s:
                    s.kill()
                    fail(s, "Timeout", f"reading took longer than {timeout_s:g} s; the worker was stopped")
                    slots[k] = start(k)
                elif s.inflight and not s.ready and now - s.started > STARTUP_S + timeout_s:
                    s.kill()
                    fail(s, "WorkerCrashed", f"the worker did not start within {STARTUP_S + timeout_s:g} s")
                    slots[k] = start(k)
            while nxt in results:
                yield results.pop(nxt)
                nxt += 1
    finally:
        for s in slots:
            if s is None:
                continue
            try:
                s.conn.send(None)
            except (BrokenPipeError, OSError):
                pass
        for s in slots:
            if s is not None:
                try:
                    s.proc.wait(2)
                except subprocess.TimeoutExpired:
                    pass
                s.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__" and sys.argv[1:2] == ["--worker"]:
    worker_main(sys.argv[2:])
