"""Crash-safe runs: kill -9 at each stage then a normal run; SIGTERM stops a run in seconds; concurrent runs wait.

Each run here is `python -m orchestration.run` (what `make run` runs) in a subprocess, on a temp NIANBAO_HOME.
"""

import os
import shutil
import signal
import time
from pathlib import Path

import pytest
from faults_support import CORPUS, kill9, marts, start_run, wait_for

from orchestration import guard

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
# kill -9 of `make run`'s process, or of the run's own process (what the OOM killer picks), at each stage
KILLS = [
    ("ingest__raw_documents", "kill"),
    ("extract__report_extractions", "kill"),
    ("raw_tables", "kill"),
    ("nianbao_dbt", "oom"),
    ("raw_checks", "kill"),
]
RECLAIMED = "which is gone: marked failed and its pool slots freed"


def raw_copy(base: Path) -> Path:
    raw = base / "raw"
    shutil.copytree(CORPUS, raw)
    for p in raw.iterdir():
        p.chmod(0o644)
    return raw


def run_to_end(home: Path, raw: Path, log: Path, timeout: float = 400) -> str:
    proc = start_run(home, raw, log)
    assert proc.wait(timeout) == 0, log.read_text()[-4000:]
    return log.read_text(errors="replace")


def instance(home: Path, monkeypatch):
    """The run's Dagster instance (its dagster.yaml reads DAGSTER_HOME)."""
    import dagster as dg

    monkeypatch.setenv("DAGSTER_HOME", str(home / "dagster_home"))
    return dg.DagsterInstance.from_config(str(home / "dagster_home"))


def step_window(inst, run_id: str) -> tuple[float, float]:
    """(first step start, last step end) of a run, from its event log."""
    stamps = [
        e.timestamp
        for e in inst.all_logs(run_id)
        if e.dagster_event is not None
        and e.dagster_event.event_type_value in ("STEP_START", "STEP_SUCCESS", "STEP_FAILURE")
    ]
    return min(stamps), max(stamps)


def child_of(pid: int) -> int:
    """The run process `make run`'s supervisor started."""
    kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    assert len(kids) == 1, kids
    return int(kids[0])


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """One uninterrupted run on the sample corpus: its home, raw dir and marts."""
    base = tmp_path_factory.mktemp("reference")
    raw = raw_copy(base)
    run_to_end(base / "home", raw, base / "run.log")
    return base / "home", raw, marts(base / "home" / "warehouse.duckdb")


def test_killed_at_each_stage_then_normal_runs_equal_an_uninterrupted_run(reference, tmp_path, monkeypatch):
    """kill -9 at each stage; then two runs at once: the first is stopped by SIGTERM while it publishes the
    snapshot (it stops within seconds), the second waits for it as a whole, then finishes like an uninterrupted run."""
    import dagster as dg

    home, raw = tmp_path / "home", reference[1]  # the same raw dir: marts record source paths
    previous_killed = False
    for k, (step, how) in enumerate(KILLS):
        log = tmp_path / f"kill{k}.log"
        proc = start_run(home, raw, log)
        wait_for(log, f'Started execution of step "{step}"', proc)
        time.sleep(0.3)
        if how == "kill":
            kill9(proc)
        else:
            os.kill(child_of(proc.pid), signal.SIGKILL)
            assert proc.wait(30) != 0
        text = log.read_text(errors="replace")
        if (
            previous_killed or how == "oom"
        ):  # the dead run was reclaimed (by the next run, or by make run's own process)
            assert RECLAIMED in text, text[-3000:]
        previous_killed = how == "kill"
        assert "blocked by limit for pool" not in text
    first = start_run(home, raw, tmp_path / "first.log")
    wait_for(tmp_path / "first.log", "Started execution of step", first)
    second = start_run(home, raw, tmp_path / "second.log")
    wait_for(tmp_path / "first.log", 'Started execution of step "bi__snapshot"', first, timeout=400)
    first.send_signal(signal.SIGTERM)
    t0 = time.monotonic()
    assert first.wait(guard.STOP_GRACE_S + 15) == 128 + signal.SIGTERM
    assert time.monotonic() - t0 < guard.STOP_GRACE_S + 15  # stopped within seconds
    assert second.wait(400) == 0, (tmp_path / "second.log").read_text()[-3000:]
    logs = [(tmp_path / f"{n}.log").read_text(errors="replace") for n in ("first", "second")]
    assert RECLAIMED in logs[0]
    assert "waiting for it to finish" in logs[1] and "Started execution of step" in logs[1]
    inst = instance(home, monkeypatch)
    try:
        runs = inst.get_runs(limit=2)  # newest first: the second run, then the stopped one
        assert runs[0].status == dg.DagsterRunStatus.SUCCESS
        assert runs[1].status in (dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED)
        assert step_window(inst, runs[1].run_id)[1] <= step_window(inst, runs[0].run_id)[0]  # never interleaved
        assert not inst.get_runs(filters=dg.RunsFilter(statuses=guard.in_progress()))
        info = inst.event_log_storage.get_concurrency_info(guard.POOL)
        assert not info.claimed_slots and not info.pending_steps
    finally:
        inst.dispose()
    assert marts(home / "warehouse.duckdb", ignore_time=True) == marts(
        reference[0] / "warehouse.duckdb", ignore_time=True
    )


def test_a_rerun_on_the_same_inputs_is_reproducible(reference, tmp_path):
    """Byte-identical marts and snapshot data tables; the audit history grows apart, in bi/gx_audit.duckdb."""
    import duckdb

    home, raw, before = reference
    snapshot = home / "bi" / "nianbao.duckdb"

    def snapshot_tables() -> dict:
        con = duckdb.connect(str(snapshot), read_only=True)
        try:
            names = con.execute("select schema_name, table_name from duckdb_tables() order by 1, 2").fetchall()
            return {f"{s}.{t}": sorted(con.execute(f'select * from {s}."{t}"').fetchall(), key=repr) for s, t in names}
        finally:
            con.close()

    published = snapshot_tables()
    assert published and all(name.startswith("marts.") for name in published)
    run_to_end(home, raw, tmp_path / "rerun.log")
    assert marts(home / "warehouse.duckdb") == before
    assert snapshot_tables() == published
    con = duckdb.connect(str(home / "bi" / "gx_audit.duckdb"), read_only=True)
    try:
        assert con.execute("select count(*) from audit.gx_results").fetchone()[0] > 0
    finally:
        con.close()
