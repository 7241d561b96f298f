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
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import chain
from multiprocessing.connection import Connection
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
SMALL_ROWS = 20_000  # a check whose first batch has fewer rows is validated in the service process


class Service:
    """The GX process and its socket. Requests are queued, not answered one by one: begin (a suite and docs dir), add
    (a frame), finish (answered by the summary), docs (render what was validated), flush (docs, then answered), so
    this process prepares the next check's rows while the service validates the last one. An answer is ("ok",
    value) or ("error", text); answers come in the order of the requests that get one."""

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
        self.requests = 0  # sent so far (tests, logs)
        self.waiting: deque[Pending] = deque()  # sent requests whose answer has not been read, in order

    def send(self, *request) -> None:
        """Queue one request (no answer expected but for finish and flush)."""
        self.conn.send(request)
        self.requests += 1

    def expect(self, pending: "Pending") -> "Pending":
        """Register that the last request sent will be answered, into `pending`."""
        self.waiting.append(pending)
        return pending

    def receive(self, until: "Pending") -> None:
        """Read answers in order until `until` has its own."""
        while not until.done:
            head = self.waiting.popleft()
            head.kind, head.value = self.conn.recv()
            head.done = True

    def close(self) -> None:
        """Wait for the Data Docs still being rendered, ask the process to stop, and make sure it has."""
        try:
            flushed = self.expect(Pending(self))
            self.send("flush")
            self.receive(flushed)
            if flushed.kind == "error":
                print(f"GX service: Data Docs not rendered: {flushed.value}", file=sys.stderr)
            self.conn.send(None)
        except (EOFError, OSError):
            pass
        try:
            self.proc.wait(0.2)
        except subprocess.TimeoutExpired:  # GX's own exit handlers cost the run ~1 s: it has nothing left to write
            self.proc.kill()
            self.proc.wait()
        self.conn.close()


class Pending:
    """The summary of one check's validation, once it is ready: result() waits for it."""

    def __init__(self, service: Service | None = None, value=None, retry=None):
        self.service, self.value, self.retry = service, value, retry
        self.kind, self.done = "ok", service is None

    def result(self) -> dict:
        """The summary (an error in the service is raised here; if the service died, the check's frames, when this
        process kept them, are validated here)."""
        if not self.done:
            try:
                self.service.receive(self)
            except (EOFError, OSError):  # the process is gone (it could not import GX, say)
                stop()
                if self.retry is None:
                    raise
                self.kind, self.value, self.done = "ok", self.retry(), True
        if self.kind == "error":
            raise RuntimeError(f"GX service: {self.value}")
        return self.value


_service: Service | None = None


def start() -> None:
    """Start the GX process once per process (NIANBAO_GX_SERVICE=0: never; validation then runs in process)."""
    global _service
    if _service is None and os.environ.get("NIANBAO_GX_SERVICE", "1") != "0":
        _service = Service()


def stop() -> None:
    """Stop the GX process, if one was started (after it has rendered every Data Docs page asked for)."""
    global _service
    if _service is not None:
        service, _service = _service, None
        service.close()


def submit(frames: Iterable, suite_module: ModuleType, data_docs_dir: Path | None = None) -> Pending:
    """Validate one check's frames: queued to the GX process when it runs and the check is small (the frames are
    sent now, the summary read by result()), else validated in this process now. Data Docs wait for render_docs()."""
    frames = iter(frames)
    first = next(frames, None)
    rest: Iterator = frames if first is None else chain([first], frames)
    if _service is not None and _service.proc.poll() is None and first is not None and len(first) < SMALL_ROWS:
        kept, n = [], 0  # a small check's frames, kept to validate here should the process die before answering
        try:
            _service.send("begin", suite_module.__name__, None if data_docs_dir is None else str(data_docs_dir))
            for df in rest:
                n += len(df)
                kept = kept + [df] if kept is not None and n < SMALL_ROWS else None
                _service.send("add", df)
            pending = _service.expect(Pending(_service))
            _service.send("finish")
        except OSError:  # the process is gone: validate here (what was not sent yet is still to be read)
            stop()
            if kept is None:
                raise
            return _here(chain(kept, rest), suite_module, data_docs_dir)
        if kept is not None:
            pending.retry = lambda: _here(iter(kept), suite_module, data_docs_dir).value
        return pending
    return _here(rest, suite_module, data_docs_dir)


def _here(frames: Iterator, suite_module: ModuleType, data_docs_dir: Path | None) -> Pending:
    """Validate in this process, now (Data Docs deferred to render_docs)."""
    from expectations import run

    validation = run.Validation(suite_module, data_docs_dir)
    for df in frames:
        validation.add(df)
        del df
    return Pending(value=validation.finish(render=False))


def render_docs() -> None:
    """Render the Data Docs of every check validated so far: the GX process renders its own after it has answered
    (this process does not wait; stop() does), this process renders its own now."""
    if _service is not None and _service.proc.poll() is None:
        try:
            _service.send("docs")
        except OSError:
            stop()
    if "expectations.run" in sys.modules:  # a check was validated here (GX is never imported for nothing)
        sys.modules["expectations.run"].render_docs()


def validate_batches(frames: Iterable, suite_module: ModuleType, data_docs_dir: Path | None = None) -> dict:
    """run.validate_batches, in the GX process when it runs and the check is small, else in this process."""
    summary = submit(frames, suite_module, data_docs_dir).result()
    if data_docs_dir is not None:
        render_docs()
    return summary


def serve(conn: Connection) -> None:
    """The service loop: begin (a suite module and docs dir), add (a frame), finish (the summary), docs (render),
    flush (render, then answer)."""
    import importlib

    import great_expectations  # noqa: F401  (the ~5 s this process exists for: now, while the run goes on)

    from expectations import run

    validation, failure, docs_failure = None, None, None
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        kind, *args = request
        try:
            if kind in ("docs", "flush"):
                try:
                    run.render_docs()
                except Exception as e:  # the next flush reports it
                    docs_failure = f"{type(e).__name__}: {e}"
                if kind == "flush":
                    conn.send(("ok", None) if docs_failure is None else ("error", docs_failure))
                    docs_failure = None
            elif kind == "begin":
                module, docs = args
                validation, failure = None, None
                validation = run.Validation(importlib.import_module(module), None if docs is None else Path(docs))
            elif kind == "add":
                if failure is None:
                    validation.add(args[0])
            elif failure is not None:  # finish of a check that failed in begin or add
                conn.send(("error", failure))
            else:  # finish
                answer, validation = validation.finish(render=False), None
                conn.send(("ok", answer))
        except Exception as e:  # begin and add are not answered: the check gets the error from its finish
            validation, failure = None, f"{type(e).__name__}: {e}"
            if kind == "finish":
                conn.send(("error", failure))
        if kind == "finish":
            failure = None


if __name__ == "__main__":
    serve(Connection(int(sys.argv[1])))
