"""The Dagster instance of dagster.yaml: pooled event-log connections, read by another process as plain Dagster storage."""

import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import dagster as dg
import pytest

from orchestration import dagster_storage

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def home(tmp_path, monkeypatch):
    shutil.copy(ROOT / "dagster.yaml", tmp_path / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    return tmp_path


@dg.op
def emit(context):
    for i in range(40):
        context.log_event(dg.AssetMaterialization(asset_key=f"asset_{i % 4}", metadata={"i": i}))


@dg.job
def events_job():
    emit()


def test_the_repo_instance_pools_the_event_log_and_others_read_it_as_usual(home):
    with dg.DagsterInstance.get() as instance:
        assert isinstance(instance.event_log_storage, dagster_storage.PooledSqliteEventLogStorage)
        run_id = events_job.execute_in_process(instance=instance).run_id
        written = len(instance.all_logs(run_id))
    # another process with Dagster's own SQLite storage (what an older install, or a plain instance, reads)
    plain = home / "plain"
    plain.mkdir()
    (plain / "dagster.yaml").write_text(f"storage:\n  sqlite:\n    base_dir: {home}\n", encoding="utf-8")
    code = textwrap.dedent(
        f"""
        import dagster as dg
        with dg.DagsterInstance.from_config({str(plain)!r}) as i:
            print(type(i.event_log_storage).__name__, len(i.all_logs({run_id!r})),
                  sorted(k.to_user_string() for k in i.all_asset_keys()))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split(
        maxsplit=2
    )
    assert out[0] == "SqliteEventLogStorage"
    assert int(out[1]) == written >= 40
    assert out[2].strip() == str([f"asset_{i}" for i in range(4)])


def test_a_committed_event_reaches_the_database_file_within_the_checkpoint_delay(home):
    # the UI's live view of a run watches the run's database file, not its write-ahead log
    with dg.DagsterInstance.get() as instance:
        storage = instance.event_log_storage
        run_id = events_job.execute_in_process(instance=instance).run_id
        db = Path(storage.path_for_shard(run_id))
        time.sleep(dagster_storage.CHECKPOINT_S * 3)
        before = db.stat().st_mtime_ns
        instance.report_engine_event("one more event", instance.get_run_by_id(run_id))
        time.sleep(dagster_storage.CHECKPOINT_S * 3)
        assert db.stat().st_mtime_ns > before


def test_events_commit_without_fsync_and_survive_a_killed_process(home):
    with dg.DagsterInstance.get() as instance:
        storage = instance.event_log_storage
        run_id = events_job.execute_in_process(instance=instance).run_id
        with storage._connect(run_id) as conn:  # the pooled connection a run's events are written on
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL: no fsync per commit
    # a process that writes events and dies without closing anything (os._exit, as a killed run): nothing lost
    code = textwrap.dedent(
        f"""
        import os, dagster as dg
        instance = dg.DagsterInstance.get()
        run = instance.get_run_by_id({run_id!r})
        for i in range(25):
            instance.report_engine_event(f"after the run {{i}}", run)
        os._exit(0)
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    with dg.DagsterInstance.get() as instance:
        messages = [e.dagster_event.message or "" for e in instance.all_logs(run_id) if e.dagster_event]
    assert [m for m in messages if m.startswith("after the run")] == [f"after the run {i}" for i in range(25)]
