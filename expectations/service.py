"""Great Expectations in a process of its own, started when a run starts: GX's import (~5 s) overlaps the run's
first stages on another core instead of delaying the first check; small checks send it their rows.

A check whose first batch is small (an incremental run) is validated there, by the same `run.Validation` as in
process, and gets the same summary; a large one (a build from scratch) is validated in process, where its batches
need no copy. `python -m expectations.service FD` is the process; the pipeline's entry point calls start().
"""

import os
import socket
import subprocess
import sys
from collections.abc import Iterable, Iterator
from itertools import chain
from multiprocessing.connection import Connection
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
SMALL_ROWS = 20_000  # a check whose first batch has fewer rows is validated in the service process


class Service:
    """The GX process and its socket: one request at a time, each answered by ("ok", value) or ("error", text)."""

    def __init__(self):
        parent, child = socket.socketpair()
        fd = child.fileno()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "expectations.service", str(fd)],
            cwd=ROOT,  # the repository: `expectations` and its suites import from it
            pass_fds=(fd,),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
        child.close()
        self.conn = Connection(parent.detach())
        self.requests = 0  # answered so far (tests, logs)

    def call(self, *request):
        """Send one request and wait for its answer; an error in the service is raised here."""
        self.conn.send(request)
        kind, value = self.conn.recv()
        self.requests += 1
        if kind == "error":
            raise RuntimeError(f"GX service: {value}")
        return value

    def close(self) -> None:
        """Ask the process to stop, and make sure it has."""
        try:
            self.conn.send(None)
        except OSError:
            pass
        try:
            self.proc.wait(0.2)
        except subprocess.TimeoutExpired:  # GX's own exit handlers cost the run ~1 s: it has nothing left to write
            self.proc.kill()
            self.proc.wait()
        self.conn.close()


_service: Service | None = None


def start() -> None:
    """Start the GX process once per process (NIANBAO_GX_SERVICE=0: never; validation then runs in process)."""
    global _service
    if _service is None and os.environ.get("NIANBAO_GX_SERVICE", "1") != "0":
        _service = Service()


def stop() -> None:
    """Stop the GX process, if one was started."""
    global _service
    if _service is not None:
        _service.close()
        _service = None


def validate_batches(frames: Iterable, suite_module: ModuleType, data_docs_dir: Path | None = None) -> dict:
    """run.validate_batches, in the GX process when it runs and the check is small, else in this process."""
    frames = iter(frames)
    first = next(frames, None)
    rest: Iterator = frames if first is None else chain([first], frames)
    if _service is not None and _service.proc.poll() is None and first is not None and len(first) < SMALL_ROWS:
        try:
            _service.call("begin", suite_module.__name__, None if data_docs_dir is None else str(data_docs_dir))
        except (EOFError, OSError):  # the process is gone (it could not import GX, say): validate here
            stop()
        else:
            for df in rest:
                _service.call("add", df)
            return _service.call("finish")
    from expectations import run

    return run.validate_batches(rest, suite_module, data_docs_dir)


def serve(conn: Connection) -> None:
    """The service loop: begin (a suite module and docs dir), add (a frame), finish (the summary)."""
    import importlib

    import great_expectations  # noqa: F401  (the ~5 s this process exists for: now, while the run goes on)

    from expectations import run

    validation = None
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        try:
            kind, *args = request
            if kind == "begin":
                module, docs = args
                validation = run.Validation(importlib.import_module(module), None if docs is None else Path(docs))
                answer = None
            elif kind == "add":
                validation.add(args[0])
                answer = None
            else:
                answer, validation = validation.finish(), None
            conn.send(("ok", answer))
        except Exception as e:  # the check gets the error; the service goes on
            validation = None
            conn.send(("error", f"{type(e).__name__}: {e}"))


if __name__ == "__main__":
    serve(Connection(int(sys.argv[1])))
