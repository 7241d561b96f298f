"""dbt started early: a process that imports dbt and parses the project while a run's first stages go on, then runs
the run's `dbt build` (handed over by orchestration/dbt_client.py) in process, with the manifest it parsed.

dbt's start-up (~2 s of imports) and its parse (~1 s with the last run's partial parse) then overlap ingest and
extraction instead of delaying the marts. The process serves one command and exits. It parses with the run's
environment; when the command's environment differs in a variable the project reads (manifest.env_vars, the
profile's env_var() calls), or a project file changed since, dbt parses again as it would have anyway.
`python -m orchestration.dbt_warm FD TARGET_ROOT` is the process; the run's entry point calls start() and stop().
"""

import importlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from assets import dbt_files
from orchestration.dbt_client import SOCKET_ENV, STARTED, UNHANDLED

ROOT = Path(__file__).resolve().parents[1]
PROJECT_DIR = ROOT / "dbt_project"
# what a build imports that a parse does not, imported while waiting: DuckDB's Python side imports numpy, pyarrow and
# pandas the first time a Python model hands it a relation (dim_regions), dbt-duckdb's materialize imports pyarrow
WARM_IMPORTS = ("numpy", "pyarrow", "pandas")
IDLE_CHECK_S = 1.0  # how often the waiting process checks that the run that started it is alive
WARM_NICE = 10  # the warm-up's niceness: about a tenth of the CPU when it competes with the run's start-up


class EarlyDbt:
    """The early dbt's process and the socket path it listens on (exported as NIANBAO_DBT_WARM)."""

    def __init__(self, target_root: str | os.PathLike, env: dict[str, str]):
        self.dir = tempfile.mkdtemp(prefix="nianbao-dbt-")
        self.path = os.path.join(self.dir, "socket")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(self.path)  # bound and listening before the process starts: no client can come too early
        listener.listen(1)
        fd = listener.fileno()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "orchestration.dbt_warm", str(fd), str(target_root)],
            cwd=PROJECT_DIR,
            pass_fds=(fd,),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,  # its command's output goes to the client's stdout
            env={**os.environ, **env, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
        )
        listener.close()
        os.environ[SOCKET_ENV] = self.path

    def close(self) -> None:
        """Stop the process if it still runs (the run ended before dbt, or failed), remove its socket."""
        if os.environ.get(SOCKET_ENV) == self.path:
            del os.environ[SOCKET_ENV]
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


_early: EarlyDbt | None = None


def start(target_root: str | os.PathLike, env: dict[str, str]) -> None:
    """Start the early dbt once per process, parsing with this environment updated by env (the variables the dbt
    step will set); NIANBAO_DBT_EARLY=0: never (the plain dbt runs then)."""
    global _early
    if _early is None and os.environ.get("NIANBAO_DBT_EARLY", "1") != "0":
        _early = EarlyDbt(target_root, env)


def stop() -> None:
    """Stop the early dbt, if one was started."""
    global _early
    if _early is not None:
        _early.close()
        _early = None


# ---- the process -------------------------------------------------------------------------------------------------


def newest_project_file(project: Path) -> float:
    """The newest modification time among the dbt project's files."""
    return max((p.stat().st_mtime for p in dbt_files.project_files(project)), default=0.0)


def profile_env_vars(project: Path) -> set[str]:
    """The environment variables profiles.yml reads (the profile is rendered again by every command anyway)."""
    text = (project / "profiles.yml").read_text(encoding="utf-8")
    return set(re.findall(r"env_var\(\s*['\"]([A-Za-z0-9_]+)['\"]", text))


class Parsed:
    """The manifest parsed early, and what it depends on: the environment, the working directory, the files."""

    def __init__(self, target_root: Path):
        self.cwd = os.getcwd()
        self.project = Path(self.cwd)
        self.files_at = newest_project_file(self.project)
        self.target = Path(tempfile.mkdtemp(prefix="nianbao-dbt-parse-"))
        last = dbt_files.latest_partial_parse(target_root)
        if last is not None:  # dbt then re-parses only what changed since the last run
            shutil.copyfile(last, self.target / dbt_files.PARTIAL_PARSE)
        from dbt.cli.main import dbtRunner

        result = dbtRunner().invoke(
            ["--quiet", "parse", "--target-path", str(self.target), "--log-path", str(self.target)]
        )
        self.manifest = result.result if result.success else None
        read = set(getattr(self.manifest, "env_vars", {}) or {}) | profile_env_vars(self.project)
        self.env = {k: os.environ.get(k) for k in read}
        for name in WARM_IMPORTS:
            try:
                importlib.import_module(name)
            except ImportError:  # the build then does without it, or fails as it would have
                pass

    def usable_for(self, env: dict, cwd: str) -> bool:
        """True when the command's environment and directory are the parse's and no project file changed since."""
        return (
            self.manifest is not None
            and cwd == self.cwd
            and all(env.get(k) == v for k, v in self.env.items())
            and newest_project_file(self.project) <= self.files_at
        )

    def keep(self, target_path: str | None) -> None:
        """Leave the parse cache in the command's target folder (the next run starts from it), then clean up."""
        cache = self.target / dbt_files.PARTIAL_PARSE
        if target_path and cache.is_file() and not (Path(target_path) / dbt_files.PARTIAL_PARSE).exists():
            Path(target_path).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(cache, Path(target_path) / dbt_files.PARTIAL_PARSE)
        shutil.rmtree(self.target, ignore_errors=True)


def receive(conn: socket.socket) -> tuple[dict, list[int]]:
    """The client's command (one JSON line) and its stdout and stderr file descriptors."""
    data, fds, _flags, _addr = socket.recv_fds(conn, 1 << 16, 2)
    while data and not data.endswith(b"\n"):
        more = conn.recv(1 << 16)
        if not more:
            break
        data += more
    return json.loads(data), fds


def run_command(argv: list[str], manifest, out: int, err: int) -> int:
    """dbt's command in this process, writing to the client's stdout and stderr; dbt's exit code."""
    from dbt.cli.main import dbtRunner

    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    os.dup2(out, 1)
    os.dup2(err, 2)
    try:
        result = dbtRunner(manifest=manifest).invoke(argv)
        return 0 if result.success else (UNHANDLED if result.exception is not None else 1)
    except BaseException:  # noqa: BLE001 — interrupted (SIGINT from the client) or worse: dbt's unhandled error
        return UNHANDLED
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)


def wait_for_client(listener: socket.socket, parent: int) -> socket.socket | None:
    """The client's connection, or None once the run that started this process is gone."""
    listener.settimeout(IDLE_CHECK_S)
    while True:
        try:
            conn, _ = listener.accept()
        except TimeoutError:
            if os.getppid() != parent:
                return None
            continue
        conn.settimeout(None)
        return conn


def quiet_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with its stderr on /dev/null: this process ends with os._exit, and
    the tracker would otherwise print a warning about dbt's semaphores (it still cleans them up)."""
    from multiprocessing import resource_tracker

    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        resource_tracker.ensure_running()
    finally:
        os.dup2(saved, 2)
        os.close(devnull)
        os.close(saved)


class WarmUp:
    """Parsed, made in a thread of its own at a lower priority (WARM_NICE): on a machine with as many cores as
    processes starting, the run's own start-up goes first; the command itself runs at the usual priority."""

    def __init__(self, target_root: Path):
        self.parsed: Parsed | None = None
        self.thread = threading.Thread(target=self._run, args=(target_root,), name="dbt-warm-up", daemon=True)
        self.thread.start()

    def _run(self, target_root: Path) -> None:
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WARM_NICE)  # on Linux: this thread only
        except (AttributeError, OSError):
            pass
        try:
            self.parsed = Parsed(target_root)
        except Exception:  # noqa: BLE001 — dbt parses again when the command runs, and reports the error there
            self.parsed = None

    def wait(self) -> "Parsed | None":
        """The parse, once the thread has made it (None when it failed)."""
        self.thread.join()
        return self.parsed


def serve(listener: socket.socket, target_root: Path) -> None:
    """Parse, then run the one command a client hands over."""
    parent = os.getppid()
    quiet_resource_tracker()
    sys.stdout.reconfigure(line_buffering=True)  # dbt's lines reach dagster-dbt as they are written
    warm = WarmUp(target_root)
    conn = wait_for_client(listener, parent)
    if conn is None:
        return
    listener.close()  # the one command is taken: later clients run the plain dbt
    parsed = warm.wait()  # (before the command's environment and directory replace the parse's)
    with conn:
        command, fds = receive(conn)
        os.environ.clear()
        os.environ.update(command["env"])
        os.chdir(command["cwd"])
        manifest = parsed.manifest if parsed is not None and parsed.usable_for(command["env"], command["cwd"]) else None
        conn.sendall(STARTED + str(os.getpid()).encode() + b"\n")
        signal.signal(signal.SIGINT, signal.default_int_handler)
        code = run_command(command["argv"], manifest, *fds)
        for fd in fds:
            os.close(fd)
        if parsed is not None:
            parsed.keep(command["env"].get("DBT_TARGET_PATH"))
        conn.sendall(bytes([code]))


if __name__ == "__main__":
    sock = socket.socket(fileno=int(sys.argv[1]))
    serve(sock, Path(sys.argv[2]))
    sys.stdout.flush()
    os._exit(0)  # dbt's objects need no teardown: its artifacts are written
