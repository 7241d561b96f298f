"""Run guard: one run at a time per NIANBAO_HOME (a file lock), dead runs and their pool slots reclaimed, prompt stops.

- `run_lock`: an exclusive `flock` on $NIANBAO_HOME/.run.lock for a whole run. `make run` (orchestration.run) holds
  it in a supervisor process; runs the sensor or the schedule launch take it through the `run_lock` resource
  (required by the first asset). A second run waits for the first as a whole; steps never interleave.
- `reclaim`: a run left STARTED by a process that is gone (kill -9, OOM, reboot) is marked failed, with a log
  line, and the concurrency slots it claimed (pool duckdb_writer) are freed, so the next run is never blocked.
- `supervise`: `make run` executes the job in a child process; SIGTERM/SIGINT are forwarded to it and, if it has
  not stopped within STOP_GRACE_S, its process group is killed. The warehouse stays consistent (DuckDB commits
  atomically, the snapshot is swapped in by rename) and the dead run is reclaimed at once.
"""

import ctypes
import fcntl
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from orchestration import settings

LOCK_NAME = ".run.lock"
STOP_GRACE_S = 5.0
WAIT_LOG_S = 30.0
POOL = "duckdb_writer"
log = logging.getLogger("nianbao.guard")
_held: dict[str, int] = {}  # lock path -> depth, for re-entry within one process


class RunRefused(RuntimeError):
    """Another run holds the lock and this one was asked not to wait."""


def lock_path(home: Path | None = None) -> Path:
    """$NIANBAO_HOME/.run.lock."""
    return (home or settings.home()) / LOCK_NAME


def _say(message: str) -> None:
    log.warning(message)
    print(f"nianbao: {message}", file=sys.stderr, flush=True)


@contextmanager
def run_lock(home: Path | None = None, wait: bool = True) -> Iterator[int]:
    """Hold the run lock of a NIANBAO_HOME (re-entrant in one process; an fd inherited from `supervise` is reused).

    Waits for the holder (logging every WAIT_LOG_S) or, with wait=False, raises RunRefused naming it.
    Yields the lock's fd.
    """
    path = lock_path(home)
    key = str(path)
    if key in _held:
        _held[key] += 1
        try:
            yield -1
        finally:
            _held[key] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    inherited = settings.run_lock_fd()
    own = inherited is None or not _same_file(inherited, path)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644) if own else inherited
    try:
        _acquire(fd, path, wait)
        if own:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        _held[key] = 1
        try:
            yield fd
        finally:
            del _held[key]
    finally:
        if own:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        a, b = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def holder(path: Path) -> str:
    """The pid written in the lock file (the run holding it), or '?'."""
    try:
        return path.read_text().strip() or "?"
    except OSError:
        return "?"


def _acquire(fd: int, path: Path, wait: bool) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    if not wait:
        raise RunRefused(f"another run (pid {holder(path)}) is running on {path.parent}; not started")
    _say(f"another run (pid {holder(path)}) is running on {path.parent}; waiting for it to finish")
    last = time.monotonic()
    while True:  # polled, so SIGTERM/SIGINT stop the wait at once
        time.sleep(0.2)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            _say("the other run finished; starting")
            return
        except BlockingIOError:
            if time.monotonic() - last > WAIT_LOG_S:
                _say(f"still waiting for the run of pid {holder(path)}")
                last = time.monotonic()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (killed, not yet reaped) is gone too
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[-1].split()[0] != b"Z"
    except OSError:
        return True


def in_progress() -> list:
    """The run statuses of a run that holds a process (dagster imported here: `make run`'s supervisor stays light)."""
    import dagster as dg

    return [dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.CANCELING]


def run_pid(instance, run_id: str) -> int | None:
    """The pid of the process that executed a run (from its event log), None when it logged nothing."""
    for entry in reversed(instance.all_logs(run_id)):
        if entry.dagster_event is not None and entry.dagster_event.pid:
            return int(entry.dagster_event.pid)
    return None


def reclaim(instance, keep: str | None = None, say: Callable[[str], None] = _say) -> list[str]:
    """Mark failed every in-progress run whose process is gone, free the pool slots of runs not in progress.

    Call it holding the run lock, with a DagsterInstance. `keep` is the current run's id. Returns the ids of the
    runs marked failed.
    """
    import dagster as dg

    failed = []
    for run in instance.get_runs(filters=dg.RunsFilter(statuses=in_progress())):
        if run.run_id == keep:
            continue
        pid = run_pid(instance, run.run_id)
        if pid is None or pid == os.getpid() or _alive(pid):
            continue  # a run still working (or one that logged nothing yet: a launch in progress)
        say(
            f"run {run.run_id} ({run.job_name}) was left {run.status.value} by process {pid}, which is gone: "
            "marked failed and its pool slots freed"
        )
        instance.report_run_failed(
            run,
            message=f"nianbao: the process of this run (pid {pid}) is gone "
            "(killed or crashed); reclaimed by the next run",
        )
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        failed.append(run.run_id)
    storage = instance.event_log_storage
    if storage.supports_global_concurrency_limits:
        active = {r.run_id for r in instance.get_runs(filters=dg.RunsFilter(statuses=in_progress()))}
        for pool in storage.get_concurrency_keys():
            info = storage.get_concurrency_info(pool)
            stale = {s.run_id for s in info.claimed_slots} | {s.run_id for s in info.pending_steps}
            for run_id in sorted(stale - active - {keep}):
                say(f"pool {pool}: freed the slots of run {run_id}, which is no longer running")
                storage.free_concurrency_slots_for_run(run_id)
    return failed


def _hold_for_run(init_context):
    """The run lock as a resource: every run waits for the one before it (whoever launched it), dead runs reclaimed."""
    with run_lock():
        run_id = init_context.dagster_run.run_id if init_context.dagster_run else None
        if init_context.instance is not None:
            reclaim(init_context.instance, keep=run_id, say=init_context.log.warning)
        yield None


def run_lock_resource():
    """The `run_lock` resource (required by the first asset, so held from a run's start to its end)."""
    import dagster as dg

    return dg.ResourceDefinition(
        resource_fn=_hold_for_run,
        description="Holds $NIANBAO_HOME/.run.lock for the whole run and reclaims dead runs first.",
    )


def _die_with_parent() -> None:  # in the child, before exec: SIGKILL when the supervisor dies (kill -9 included)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def supervise(child_argv: list[str]) -> int:
    """Run child_argv (one job run) under the run lock, stop it promptly on SIGTERM/SIGINT; returns its exit code.

    The child reuses the lock (its fd is inherited) and reclaims dead runs when it starts; when it dies or is
    stopped, its own run is reclaimed here at once.
    """
    settings.prepare_dagster_home()
    with run_lock() as fd:  # the run reclaims dead runs itself, holding this lock (the run_lock resource)
        child = subprocess.Popen(
            child_argv,
            pass_fds=(fd,),
            env={**os.environ, settings.RUN_LOCK_FD: str(fd)},
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )  # noqa: PLW1509 (the supervisor has one thread)
        stop: list[tuple[int, float]] = []

        def on_signal(signo, _frame):
            if not stop:
                _say(
                    f"{signal.Signals(signo).name}: stopping the run (pid {child.pid}); "
                    f"it is killed if still running in {STOP_GRACE_S:g} s"
                )
                stop.append((signo, time.monotonic()))
                _signal_group(child.pid, signal.SIGINT)

        old = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            while True:
                try:
                    code = child.wait(timeout=0.2)
                    break
                except subprocess.TimeoutExpired:
                    if stop and time.monotonic() - stop[0][1] > STOP_GRACE_S:
                        _signal_group(child.pid, signal.SIGKILL)
        finally:
            _signal_group(child.pid, signal.SIGKILL)  # whatever the run started (dbt, converters) ends with it
            for s, h in old.items():
                signal.signal(s, h)
        if code != 0:  # the run died or was stopped: mark it failed and free its slots now
            import dagster as dg

            with dg.DagsterInstance.get() as instance:
                reclaim(instance)
    if stop:
        _say("stopped; the warehouse keeps its last committed state and the snapshot its last published one")
        return 128 + stop[0][0]
    return code if code >= 0 else 128 - code


def _signal_group(pid: int, signo: int) -> None:
    try:
        os.killpg(pid, signo)
    except (ProcessLookupError, PermissionError):
        pass
