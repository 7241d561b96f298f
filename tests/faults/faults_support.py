"""Fault-test support: odd entries made the hard way (deep paths through dir fds), marts dumps, runs in subprocesses."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "samples" / "corpus"
sys.path.insert(0, str(ROOT / "tests" / "pipeline"))  # pipeline_support, shared with the pipeline tests

GBK_NAME = "年度报告".encode("gbk") + b".txt"  # not UTF-8: what a Windows (GBK) zip or share leaves behind


def deep_file(root: Path, data: bytes, levels: int = 18, name_len: int = 240) -> bytes:
    """A file whose path is longer than PATH_MAX (made with dir fds, as no path can name it); returns its path bytes."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    path = os.fsencode(str(root))
    for i in range(levels):
        name = (f"{i:02d}" + "d" * name_len).encode()
        os.mkdir(name, dir_fd=fd)
        sub = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        os.close(fd)
        fd = sub
        path += b"/" + name
    f = os.open(b"report.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
    os.write(f, data)
    os.close(f)
    os.close(fd)
    return path + b"/report.txt"


def odd_entries(raw: Path, outside: Path) -> dict[str, str]:
    """Every odd entry of issue 10 under raw (next to good files); returns readable path -> expected error kind
    (None: a document row with its content)."""
    good = (CORPUS / min(p.name for p in CORPUS.iterdir())).read_bytes()
    os.makedirs(raw, exist_ok=True)
    (raw / "gbk").mkdir()
    with open(os.path.join(os.fsencode(str(raw / "gbk")), GBK_NAME), "wb") as f:
        f.write(good + "\n附：GBK 文件名。\n".encode())
    (raw / "long").mkdir()
    deep_file(raw / "long", b"deep")
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "secret.txt").write_text("not the pipeline's to read")
    (raw / "evil.txt").symlink_to(outside / "secret.txt")
    (raw / "evil_dir").symlink_to(outside, target_is_directory=True)
    (raw / "loop_a").symlink_to(raw / "loop_b")
    (raw / "loop_b").symlink_to(raw / "loop_a")
    (raw / "folder").mkdir()
    (raw / "folder" / "in_folder.txt").write_bytes(good + "\n附：子目录。\n".encode())
    (raw / "folder" / "up").symlink_to(raw, target_is_directory=True)
    (raw / "folder_link").symlink_to(raw / "folder", target_is_directory=True)
    (raw / "alias.txt").symlink_to(raw / "folder" / "in_folder.txt")
    (raw / "broken.txt").symlink_to(raw / "nowhere.txt")
    os.mkfifo(raw / "pipe")
    return {
        f"{raw}/gbk/年度报告.txt": None,
        f"{raw}/evil.txt": "OutsideRawDir",
        f"{raw}/evil_dir": "OutsideRawDir",
        f"{raw}/loop_a": "SymlinkLoop",
        f"{raw}/loop_b": "SymlinkLoop",
        f"{raw}/folder/up": "SymlinkLoop",
        f"{raw}/folder/in_folder.txt": None,
        f"{raw}/folder_link/in_folder.txt": None,
        f"{raw}/alias.txt": None,
        f"{raw}/folder_link/up": "SymlinkLoop",
        f"{raw}/broken.txt": "BrokenSymlink",
        f"{raw}/pipe": "NotARegularFile",
    }


def run_env(home: Path, raw: Path) -> dict:
    """Environment of a `make run` on home and raw (what the Makefile exports)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NIANBAO_", "DAGSTER_"))}
    return {
        **env,
        "NIANBAO_HOME": str(home),
        "NIANBAO_RAW_DIR": str(raw),
        "DAGSTER_HOME": str(home / "dagster_home"),
        "DBT_PROFILES_DIR": str(ROOT / "dbt_project"),
        "DAGSTER_DISABLE_TELEMETRY": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "NIANBAO_WORKERS": "2",
        "PATH": f"{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
    }


def start_run(home: Path, raw: Path, log: Path) -> subprocess.Popen:
    """`python -m orchestration.run` (what `make run` runs) in the background, its output in log."""
    return subprocess.Popen(
        [sys.executable, "-m", "orchestration.run"],
        cwd=ROOT,
        env=run_env(home, raw),
        stdout=open(log, "wb"),
        stderr=subprocess.STDOUT,
    )


def wait_for(log: Path, text: str, proc: subprocess.Popen, timeout: float = 240) -> None:
    """Wait until text appears in log (the run must still be going)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if text in log.read_text(errors="replace"):
            return
        if proc.poll() is not None:
            raise AssertionError(f"the run ended ({proc.returncode}) before {text!r}:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)
    raise AssertionError(f"{text!r} not seen in {timeout} s")


def kill9(proc: subprocess.Popen) -> None:
    """kill -9 of the run's process (the supervisor; its child dies with it) and wait until its run stops."""
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(0.5)


def marts(warehouse: Path, ignore_time: bool = False) -> dict[str, list[tuple]]:
    """Every marts table's rows, sorted (optionally without its timestamp columns: they differ between homes)."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        out = {}
        tables = con.execute("select table_name from duckdb_tables() where schema_name = 'marts' order by 1").fetchall()
        for (t,) in tables:
            cols = con.execute(
                "select column_name, data_type from duckdb_columns() where schema_name = 'marts' "
                "and table_name = ? order by column_index",
                [t],
            ).fetchall()
            keep = [f'"{c}"' for c, ty in cols if not (ignore_time and ty.startswith("TIMESTAMP"))]
            out[t] = sorted(con.execute(f'select {", ".join(keep)} from marts."{t}"').fetchall(), key=repr)
        return out
    finally:
        con.close()
