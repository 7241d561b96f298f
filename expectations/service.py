"""Great Expectations in a process of its own, started when a run starts: GX's import (~5 s) overlaps the run's
first stages on another core instead of delaying the first check; small checks send it their rows.

A check whose first batch is small (an incremental run) is validated there, by the same `run.Validation` as in
process, and gets the same summary; a large one (a build from scratch) is validated in process, where its batches
need no copy. Requests are queued, not answered one by one, so this process reads the next suite's rows while the
service validates; at a step's first check the service forks (GX already imported: the copy costs nothing), and the
two processes (lanes) validate the step's suites side by side, on the machine's two cores; the fork renders its Data
Docs pages and exits (it holds no memory while dbt runs). `python -m expectations.service FD` is the process; the
pipeline's entry point calls start().
"""

import os
import socket
import subprocess
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import chain
from multiprocessing import reduction
from multiprocessing.connection import Connection
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
SMALL_ROWS = 20_000  # a check whose first batch has fewer rows is validated in the service process
FLUSH_S = 20.0  # at most this long to wait for the Data Docs still being rendered when the run ends


class Lane:
    """One GX process's socket: requests sent, and the requests still waiting for their answer, in order."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self.waiting: deque[Pending] = deque()
        self.retiring = False  # a fork asked to render its Data Docs and exit

    def receive(self, until: "Pending", timeout: float | None = None) -> None:
        """Read answers in order until `until` has its own (TimeoutError after `timeout` seconds of silence)."""
        while not until.done:
            if timeout is not None and not self.conn.poll(timeout):
                raise TimeoutError("no answer from the GX process")
            head = self.waiting.popleft()
            head.kind, head.value = self.conn.recv()
            head.done = True

    def drain(self, timeout: float) -> None:
        """Read the answers still due, then wait until the process has closed its end (a fork that exits)."""
        if self.waiting:
            self.receive(self.waiting[-1], timeout)
        while self.conn.poll(timeout):
            self.conn.recv()  # EOFError once the fork has exited


class Service:
    """The GX process, its forks and their sockets. Requests: fork (with the socket of the fork to come), begin (a
    suite and docs dir), add (a frame), finish (answered by the summary), docs (render what was validated), flush
    (docs, then answered). An answer is ("ok", value) or ("error", text), in the order of the requests that get one."""

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
        self.main = Lane(Connection(parent.detach()))
        self.fork: Lane | None = None  # the second lane of the step under way
        self.requests = 0  # begin, add and finish sent so far (tests, logs)

    @property
    def forked(self) -> bool:
        """True while a fork validates beside the service."""
        return self.fork is not None and not self.fork.retiring

    def lane(self) -> Lane:
        """The lane with the fewest checks waiting (the service on a tie); a step's first check forks the service."""
        if not self.forked:
            self.retire_fork()
            ours, theirs = socket.socketpair()
            self.main.conn.send(("fork",))
            reduction.send_handle(self.main.conn, theirs.fileno(), self.proc.pid)
            theirs.close()
            self.fork = Lane(Connection(ours.detach()))
        return min((self.main, self.fork), key=lambda lane: len(lane.waiting))

    def send(self, lane: Lane, *request) -> None:
        """Queue one request on a lane (no answer expected but for finish and flush)."""
        lane.conn.send(request)
        self.requests += 1

    def docs(self) -> None:
        """Both lanes render the Data Docs of what they validated; the fork then exits."""
        self.main.conn.send(("docs",))
        if self.forked:
            self.fork.conn.send(("docs",))
            self.fork.conn.send(None)
            self.fork.retiring = True

    def retire_fork(self, timeout: float = FLUSH_S) -> None:
        """Wait for the last fork to have answered, rendered its pages and exited."""
        if self.fork is not None:
            fork, self.fork = self.fork, None
            try:
                if not fork.retiring:
                    fork.conn.send(("docs",))
                    fork.conn.send(None)
                fork.drain(timeout)
            except (EOFError, OSError):
                pass
            fork.conn.close()

    def close(self) -> None:
        """Wait for the Data Docs still being rendered (the fork's and the service's), ask the service to stop, and
        make sure it has."""
        self.retire_fork()
        try:
            flushed = Pending(self, self.main)
            self.main.conn.send(("flush",))
            self.main.waiting.append(flushed)
            self.main.receive(flushed, FLUSH_S)
            if flushed.kind == "error":
                print(f"GX service: Data Docs not rendered: {flushed.value}", file=sys.stderr)
            self.main.conn.send(None)
        except (EOFError, OSError):
            pass
        self.main.conn.close()
        try:
            self.proc.wait(2)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Pending:
    """The summary of one check's validation, once it is ready: result() waits for it."""

    def __init__(self, service: Service | None = None, lane: Lane | None = None, value=None, retry=None):
        self.service, self.lane, self.value, self.retry = service, lane, value, retry
        self.kind, self.done = "ok", service is None

    def result(self) -> dict:
        """The summary (an error in the service is raised here; if the service died, the check's frames, when this
        process kept them, are validated here)."""
        if not self.done:
            try:
                self.lane.receive(self)
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
    """Stop the GX processes, if they were started (after they have rendered every Data Docs page asked for)."""
    global _service
    if _service is not None:
        service, _service = _service, None
        service.close()


def submit(frames: Iterable, suite_module: ModuleType, data_docs_dir: Path | None = None) -> Pending:
    """Validate one check's frames: queued to a GX process when the service runs and the check is small (the frames
    are sent now, the summary read by result()), else validated in this process now. Data Docs wait for
    render_docs()."""
    frames = iter(frames)
    first = next(frames, None)
    rest: Iterator = frames if first is None else chain([first], frames)
    if _service is not None and _service.proc.poll() is None and first is not None and len(first) < SMALL_ROWS:
        kept, n = [], 0  # a small check's frames, kept to validate here should the process die before answering
        try:
            lane = _service.lane()
            _service.send(lane, "begin", suite_module.__name__, None if data_docs_dir is None else str(data_docs_dir))
            for df in rest:
                n += len(df)
                kept = kept + [df] if kept is not None and n < SMALL_ROWS else None
                _service.send(lane, "add", df)
            pending = Pending(_service, lane)
            lane.waiting.append(pending)
            _service.send(lane, "finish")
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
    """Render the Data Docs of every check validated so far: the GX processes render their own after they have
    answered (this process does not wait; stop() does), this process renders its own now."""
    if _service is not None and _service.proc.poll() is None:
        try:
            _service.docs()
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
    """The service loop: fork (the copy serves the socket that comes with the request, until it has rendered its
    pages), begin (a suite module and docs dir), add (a frame), finish (the summary), docs (render), flush (render,
    then answer). Only the service writes the site's index (two processes writing one file could interleave; GX's
    index lists the results its own context holds, `make docs` writes one of every page); a fork renders pages."""
    import importlib

    import great_expectations  # noqa: F401  (the ~5 s this process exists for: now, while the run goes on)
    import tqdm

    from expectations import run

    tqdm.tqdm.monitor_interval = 0  # no tqdm monitor thread: this process forks, and a fork copies one thread only

    index = True
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
            if kind == "fork":
                fd = reduction.recv_handle(conn)
                while _reap():
                    pass
                if os.fork() == 0:  # the fork: a lane of its own, nothing of the service's validations to render
                    conn.close()
                    conn, index = Connection(fd), False
                    run.forget_docs()
                else:
                    os.close(fd)
            elif kind in ("docs", "flush"):
                try:
                    run.render_docs(build_index=index)
                except Exception as e:  # the next flush reports it
                    docs_failure = f"{type(e).__name__}: {e}"
                    if not index:
                        print(f"GX service fork: Data Docs not rendered: {docs_failure}", file=sys.stderr)
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


def _reap() -> bool:
    """Collect one fork that has exited (True), so that none is left a zombie."""
    try:
        pid, _ = os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return False
    return pid != 0


if __name__ == "__main__":
    serve(Connection(int(sys.argv[1])))
    sys.stderr.flush()
    os._exit(0)  # everything asked for is written (flush answered): GX's exit handlers would only cost ~1 s
