"""The early dbt (orchestration/dbt_warm.py) runs the command `nianbao-dbt` hands it, with dbt's own output and exit
code, releases the warehouse before it answers, and serves one command: later ones run the plain dbt."""

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from assets import dbt_files
from orchestration import dbt_warm
from orchestration.dbt_client import SOCKET_ENV

ROOT = Path(__file__).resolve().parent.parent
CLIENT = Path(sys.executable).parent / "nianbao-dbt"
ERAS = ROOT / "dbt_project" / "seeds" / "eras.csv"
PARSED = {"PartialParsingEnabled", "UnableToPartialParse"}  # dbt parsed the project for this command (one of them)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CLIENT.exists(), reason="nianbao-dbt is installed by `make sync` (uv sync)"),
]


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A fresh warehouse and raw dir, and the variables the dbt step sets."""
    raw = tmp_path / "raw"
    raw.mkdir()
    values = {
        "NIANBAO_HOME": str(tmp_path),
        "NIANBAO_WAREHOUSE_PATH": str(tmp_path / "warehouse.duckdb"),
        "NIANBAO_RAW_DIR": str(raw),
        "DBT_PROFILES_DIR": str(ROOT / "dbt_project"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("NIANBAO_CATALOG", raising=False)
    return values


def dbt(tmp_path: Path, name: str, *args: str) -> tuple[int, int, list[dict]]:
    """`nianbao-dbt --log-format json ARGS` as dagster-dbt starts it: exit code, pid, dbt's JSON lines."""
    target = tmp_path / name
    proc = subprocess.Popen(
        [str(CLIENT), "--log-format", "json", *args],
        cwd=ROOT / "dbt_project",
        env={**os.environ, "DBT_TARGET_PATH": str(target), "DBT_LOG_PATH": str(target)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    out, _ = proc.communicate(timeout=300)
    lines = [json.loads(line) for line in out.decode().splitlines() if line.startswith("{")]
    return proc.returncode, proc.pid, lines


def names(lines: list[dict]) -> set[str]:
    return {line["info"]["name"] for line in lines}


def pids(lines: list[dict]) -> set[int]:
    return {line["info"]["pid"] for line in lines}


def test_the_early_dbt_runs_one_command_with_its_parse_then_the_plain_dbt_runs(env, tmp_path, monkeypatch):
    early = dbt_warm.EarlyDbt(tmp_path / "dbt_target", {})
    try:
        assert os.environ[SOCKET_ENV] == early.path
        code, client_pid, lines = dbt(tmp_path, "first", "seed", "--select", "eras")
        assert code == 0
        assert pids(lines) == {early.proc.pid}  # dbt ran in the early process, not in the client
        assert "LogSeedResult" in names(lines)
        assert not names(lines) & PARSED  # the command used the manifest parsed early
        assert early.proc.wait(30) == 0  # one command, then it exits
        # the warehouse is released when the client returns: a writer opens it at once
        with duckdb.connect(env["NIANBAO_WAREHOUSE_PATH"]) as con:
            rows = con.execute("select count(*) from reference.eras").fetchone()[0]
        assert rows == len(ERAS.read_text(encoding="utf-8").splitlines()) - 1
        # its parse cache is left in the command's target folder for the next run
        assert (tmp_path / "first" / dbt_files.PARTIAL_PARSE).is_file()

        # the second command finds nobody listening: the plain dbt, in the client's own process (exec)
        code, client_pid, lines = dbt(tmp_path, "second", "seed", "--select", "eras")
        assert code == 0 and pids(lines) == {client_pid}
    finally:
        early.close()
    assert not Path(early.path).exists()


def test_a_failing_command_exits_as_the_plain_dbt_does(env, tmp_path):
    early = dbt_warm.EarlyDbt(tmp_path / "dbt_target", {})
    try:
        # a model whose upstream tables do not exist fails: dbt's exit code 1
        code, _, lines = dbt(tmp_path, "early", "run", "--select", "stg_reference__rules")
        assert pids(lines) == {early.proc.pid}
    finally:
        early.close()
    plain, _, _ = dbt(tmp_path, "plain", "run", "--select", "stg_reference__rules")
    assert code == plain == 1


def test_a_changed_environment_makes_the_early_dbt_parse_again(env, tmp_path, monkeypatch):
    early = dbt_warm.EarlyDbt(tmp_path / "dbt_target", {})
    try:
        other = tmp_path / "other-raw"
        other.mkdir()
        monkeypatch.setenv("NIANBAO_RAW_DIR", str(other))  # a variable the project reads (manifest.env_vars)
        code, _, lines = dbt(tmp_path, "changed", "seed", "--select", "eras")
        assert code == 0 and pids(lines) == {early.proc.pid}
        assert names(lines) & PARSED
    finally:
        early.close()
