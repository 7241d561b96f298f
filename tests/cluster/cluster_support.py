"""Cluster test support: PostgreSQL and Redis started by scripts/cluster.sh, Celery workers, pipeline runs as
subprocesses, and a row-for-row comparison of the marts of a DuckLake and of a DuckDB file."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLUSTER_SH = ROOT / "scripts" / "cluster.sh"
PY = sys.executable
# settings a test sets itself: never inherited from the shell that runs pytest
OWN = (
    "NIANBAO_HOME",
    "NIANBAO_RAW_DIR",
    "NIANBAO_CATALOG",
    "NIANBAO_DATA_PATH",
    "NIANBAO_EXECUTOR",
    "NIANBAO_BROKER",
    "NIANBAO_CHUNK",
    "NIANBAO_WORKERS",
    "DAGSTER_HOME",
    "NIANBAO_WAREHOUSE_PATH",
    "NIANBAO_FULL_REFRESH",
)


def pg_bin() -> Path | None:
    """The folder of Debian's PostgreSQL server programs (initdb, pg_ctl), if installed."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if found:
        return found[-1].parent
    which = shutil.which("pg_ctl")
    return Path(which).parent if which else None


def missing_services() -> str | None:
    """Why the cluster tests cannot run here (None: they can)."""
    if pg_bin() is None or not (pg_bin() / "initdb").exists():
        return "PostgreSQL server programs not installed (apt-get install -y postgresql)"
    if not shutil.which("redis-server") or not shutil.which("redis-cli"):
        return "redis-server not installed (apt-get install -y redis-server)"
    if os.geteuid() == 0 and subprocess.run(["id", "postgres"], capture_output=True).returncode != 0:
        return "running as root without a postgres user to run the server as"
    return None


def base_env(home: Path, raw: Path, **extra: str) -> dict[str, str]:
    """The environment of a pipeline run or worker on home and raw (no inherited NIANBAO_* settings)."""
    env = {k: v for k, v in os.environ.items() if k not in OWN}
    env |= {
        "NIANBAO_HOME": str(home),
        "NIANBAO_RAW_DIR": str(raw),
        "DAGSTER_HOME": str(home / "dagster_home"),
        "DAGSTER_DISABLE_TELEMETRY": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "PATH": f"{Path(PY).parent}:{env.get('PATH', '')}",
    }
    return env | extra


def cluster_up(home: Path) -> dict[str, str]:
    """scripts/cluster.sh up (no workers: the tests start and kill their own); the settings of cluster.env."""
    env = base_env(home, home) | {"NIANBAO_CLUSTER_WORKERS": "0", "PY": PY}
    subprocess.run(["bash", str(CLUSTER_SH), "up"], env=env, check=True, capture_output=True, timeout=120)
    out = {}
    for line in (home / "cluster.env").read_text().splitlines():
        key, _, value = line.removeprefix("export ").partition("=")
        out[key] = value.strip("'")
    return out


def cluster_down(home: Path) -> None:
    """scripts/cluster.sh down, then the PostgreSQL data folder (outside home when the tests run as root)."""
    pgdata = home / "cluster" / "pgdata.path"
    where = Path(pgdata.read_text().strip()) if pgdata.exists() else None
    subprocess.run(
        ["bash", str(CLUSTER_SH), "down"], env=base_env(home, home) | {"PY": PY}, capture_output=True, timeout=120
    )
    if where is not None and where.exists() and not str(where).startswith(str(home)):
        shutil.rmtree(where, ignore_errors=True)


def start_worker(env: dict[str, str], name: str, log: Path) -> subprocess.Popen:
    """One Celery worker (one task at a time) in its own session, so it and its children can be killed."""
    return subprocess.Popen(
        [
            PY,
            "-m",
            "celery",
            "-A",
            "orchestration.workers",
            "worker",
            "-Q",
            "dagster",
            "-c",
            "1",
            "-n",
            f"{name}@%h",
            "--loglevel=INFO",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    """Signal a process group started here, wait for it (then SIGKILL)."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, sig)
        proc.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)


def start_run(env: dict[str, str], home: Path) -> subprocess.Popen:
    """`python -m orchestration.run` (what `make run` runs) in the background, its output in home/run.log."""
    home.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [PY, "-m", "orchestration.run", "--summary-json", str(home / "summary.json")],
        env=env,
        cwd=ROOT,
        stdout=(home / "run.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def finish_run(proc: subprocess.Popen, home: Path, timeout: int = 900) -> dict:
    """Wait for a run of start_run; its summary (the run must succeed)."""
    assert proc.wait(timeout=timeout) == 0, (home / "run.log").read_text()[-4000:]
    return json.loads((home / "summary.json").read_text())


def children(pid: int) -> list[int]:
    """The direct child processes of pid."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def wait_for(predicate, timeout: float, what: str, every: float = 0.2):
    """Poll predicate until it returns something true; fail after timeout seconds."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def marts_difference(lake_con, warehouse_file: Path) -> dict[str, tuple[int, int, int]]:
    """Per marts table: (rows in the lake, rows in the file, rows not matched either way), comparing every column
    but the run's timestamps (TIMESTAMP WITH TIME ZONE: when a content was extracted)."""
    lake_con.execute(f"attach '{warehouse_file}' as emb (read_only)")
    tables = [
        r[0]
        for r in lake_con.execute(
            "select table_name from duckdb_tables() where database_name = 'emb' and schema_name = 'marts' order by 1"
        ).fetchall()
    ]
    out = {}
    for t in tables:
        cols = [
            r[0]
            for r in lake_con.execute(
                "select column_name from duckdb_columns() where database_name = 'emb' and schema_name = 'marts' "
                "and table_name = ? and data_type <> 'TIMESTAMP WITH TIME ZONE' order by column_index",
                [t],
            ).fetchall()
        ]
        sel = ", ".join(f'"{c}"' for c in cols)
        a = f'select {sel} from lake.marts."{t}"'
        b = f'select {sel} from emb.marts."{t}"'
        n_a = lake_con.execute(f"select count(*) from ({a})").fetchone()[0]
        n_b = lake_con.execute(f"select count(*) from ({b})").fetchone()[0]
        diff = lake_con.execute(
            f"select (select count(*) from ({a} except all {b})) + (select count(*) from ({b} except all {a}))"
        ).fetchone()[0]
        out[t] = (n_a, n_b, diff)
    lake_con.execute("detach emb")
    return out
