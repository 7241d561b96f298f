"""A run killed (kill -9) mid-extraction keeps its committed chunks; the next run parses only the rest, and its marts
equal an uninterrupted run's. Also: the streamed chunks carry loaded_at and raw.load_log rows."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pipeline_support import ROOT

N_DOCS = 48
CHUNK = 8
# the killed run: orchestration.run's run (`--child`: the process `make run`'s supervisor starts), with every parse
# slowed so that the kill lands mid-extraction
SLOW_RUN = """
import sys, time
import assets.extract
real = assets.extract.extract_many
def slow():
    inner = real()
    def extract_many(paths, **kw):
        for ex in inner(paths, **kw):
            time.sleep(0.15)
            yield ex
    return extract_many
assets.extract.extract_many = slow
from orchestration import run
sys.exit(run.main(["--child"]))
"""


def env_for(home: Path, raw: Path) -> dict[str, str]:
    """The environment of a pipeline run on this home and raw dir (chunks of CHUNK documents, one worker)."""
    env = {k: v for k, v in os.environ.items() if k != "NIANBAO_WAREHOUSE_PATH"}
    return env | {
        "NIANBAO_HOME": str(home),
        "NIANBAO_RAW_DIR": str(raw),
        "DAGSTER_HOME": str(home / "dagster_home"),
        "NIANBAO_CHUNK": str(CHUNK),
        "NIANBAO_WORKERS": "1",
        "DBT_PROFILES_DIR": str(ROOT / "dbt_project"),
    }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A synthetic corpus of N_DOCS text reports of every era, no violations (its truth file kept outside)."""
    out = tmp_path_factory.mktemp("resume")
    raw = out / "raw"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "nianbao.cli",
            "synth",
            "--out",
            str(raw),
            "--count",
            str(N_DOCS),
            "--seed",
            "11",
            "--violation-rate",
            "0",
        ],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    (raw / "truth.json").rename(out / "truth.json")
    assert len(list(raw.iterdir())) == N_DOCS
    return raw


def kill_after_first_chunk(home: Path, raw: Path) -> str:
    """Start the run `make run` supervises in a subprocess, kill -9 it once its first chunk has committed; its output."""
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_RUN],
        cwd=ROOT,
        env=env_for(home, raw),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    deadline = time.monotonic() + 300
    try:
        for line in proc.stdout:
            lines.append(line)
            if "chunk 1 committed" in line or time.monotonic() > deadline:
                break
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    return "".join(lines)


def run_in_process(home: Path, raw: Path, mp: pytest.MonkeyPatch) -> tuple[object, list[str]]:
    """One in-process run of the whole job on this home; the paths the extractor was asked to parse."""
    import dagster as dg

    import assets.extract
    from orchestration.definitions import build_definitions
    from orchestration.jobs import REFRESH_JOB

    for k, v in env_for(home, raw).items():
        if os.environ.get(k) != v:
            mp.setenv(k, v)
    mp.delenv("NIANBAO_WAREHOUSE_PATH", raising=False)
    parsed: list[str] = []
    real = assets.extract.extract_many

    def counting():
        inner = real()

        def extract_many(paths, **kw):
            parsed.extend(str(p) for p in paths)
            yield from inner(paths, **kw)

        return extract_many

    mp.setattr(assets.extract, "extract_many", counting)
    job = build_definitions().resolve_job_def(REFRESH_JOB)
    result = job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
    mp.undo()
    return result, parsed


def failures(result) -> list[str]:
    """The failed steps of a run with their errors (for assertion messages)."""
    return [
        f"{ev.step_key}: {ev.event_specific_data.error.message[:2000]}"
        for ev in result.all_events
        if ev.event_type_value == "STEP_FAILURE"
    ]


def query(home: Path, sql: str) -> list[tuple]:
    from dagster_duckdb import DuckDBResource

    with DuckDBResource(database=str(home / "warehouse.duckdb")).get_connection() as conn:
        return conn.execute(sql).fetchall()


def marts(home: Path) -> dict[str, list[tuple]]:
    """Every marts table's rows, without its timestamp columns (when a row was parsed or loaded), sorted."""
    out = {}
    for (table,) in query(
        home,
        "select table_name from information_schema.tables "
        "where table_schema = 'marts' and table_type = 'BASE TABLE' order by 1",
    ):
        cols = [
            c
            for c, t in query(
                home,
                "select column_name, data_type from information_schema.columns where "
                f"table_schema = 'marts' and table_name = '{table}' order by ordinal_position",
            )
            if not t.startswith("TIMESTAMP")
        ]
        quoted = ", ".join(f'"{c}"' for c in cols)
        out[table] = query(home, f"select {quoted} from marts.{table} order by all")
    return out


def test_killed_run_resumes_without_reparsing_and_gives_the_same_marts(corpus, tmp_path, monkeypatch):
    import dagster as dg

    from orchestration import guard

    home = tmp_path / "killed"
    out = kill_after_first_chunk(home, corpus)
    assert "chunk 1 committed" in out, out[-3000:]
    # what the killed run committed: whole chunks, each with its documents rows (the parse cache)
    chunks = query(home, "select chunk_seq, n_documents, n_reports, loaded_at from raw.load_log order by chunk_seq")
    assert 1 <= len(chunks) < N_DOCS // CHUNK, chunks
    committed = {r[0] for r in query(home, "select sha256 from raw.documents")}
    assert len(committed) == sum(c[1] for c in chunks) == len(chunks) * CHUNK
    assert query(home, "select count(*) from raw.reports")[0][0] == sum(c[2] for c in chunks)
    # every committed row carries its chunk's loaded_at, and loaded_at grows with the chunks
    assert [c[3] for c in chunks] == sorted({c[3] for c in chunks})
    for t in ("documents", "reports", "figures", "findings"):
        assert (
            query(home, f"select count(*) from raw.{t} where loaded_at not in (select loaded_at from raw.load_log)")[0][
                0
            ]
            == 0
        ), t

    # the killed run is still STARTED in its instance and holds the writer pool: the next run reclaims it
    monkeypatch.setenv("DAGSTER_HOME", str(home / "dagster_home"))
    with dg.DagsterInstance.get() as instance:
        (run,) = instance.get_runs()
        assert run.status == dg.DagsterRunStatus.STARTED
        said = []
        assert guard.reclaim(instance, say=said.append) == [run.run_id]
        assert run.run_id in said[0] and "gone" in said[0]
        assert instance.get_run_by_id(run.run_id).status == dg.DagsterRunStatus.FAILURE
        info = instance.event_log_storage.get_concurrency_info("duckdb_writer")
        assert not info.claimed_slots

    mp = pytest.MonkeyPatch()
    resumed, parsed = run_in_process(home, corpus, mp)
    assert resumed.success, failures(resumed)
    # only the contents not committed were parsed, each once
    assert len(parsed) == N_DOCS - len(committed)
    assert (
        not {
            r[0]
            for r in query(
                home, "select sha256 from raw.documents where path in (" + ", ".join(f"'{p}'" for p in parsed) + ")"
            )
        }
        & committed
    )
    assert query(home, "select count(*) from raw.documents where is_current")[0][0] == N_DOCS

    fresh = tmp_path / "uninterrupted"
    whole, parsed_whole = run_in_process(fresh, corpus, pytest.MonkeyPatch())
    assert whole.success, failures(whole)
    assert len(parsed_whole) == N_DOCS
    got, want = marts(home), marts(fresh)
    assert set(got) == set(want) and want["fct_report_figures"]
    for table in want:
        assert got[table] == want[table], table
