"""DuckLake on PostgreSQL with Celery workers (issue 12): a worker killed mid-chunk loses and doubles nothing, the
marts equal the embedded default's row for row, and a reader pinned to a snapshot sees no change during a run.

Starts PostgreSQL and Redis with scripts/cluster.sh (skipped when Debian's postgresql or redis-server is absent).
"""

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import cluster_support as cs
import pytest

pytestmark = pytest.mark.slow
CHUNK = 20  # documents per chunk: the corpus makes several chunks, spread over two workers
FIRST, LATER = 140, 20  # generated reports in the first run, and added for the run a pinned reader watches


def synth(out: Path, count: int) -> list[Path]:
    """`nianbao synth`: count generated reports (several eras, TXT and HTML); truth.json left out of the corpus."""
    subprocess.run(
        [
            cs.PY,
            "-m",
            "nianbao.cli",
            "synth",
            "--out",
            str(out),
            "--count",
            str(count),
            "--seed",
            "1212",
            "--formats",
            "txt,html",
        ],
        check=True,
        capture_output=True,
        cwd=cs.ROOT,
    )
    (out / "truth.json").unlink(missing_ok=True)
    return sorted(p for p in out.iterdir() if p.is_file())


def chunk_steps(instance, run_id: str) -> dict[str, dict]:
    """Per parse_chunk step of a run: its start count, whether it ended, and the Celery workers that ran it."""
    import dagster as dg

    steps: dict[str, dict] = {}
    for entry in instance.all_logs(run_id):
        ev = entry.dagster_event
        if ev is None or "parse_chunk" not in (entry.step_key or ""):
            continue
        s = steps.setdefault(entry.step_key, {"starts": 0, "ended": False, "workers": []})
        if ev.event_type == dg.DagsterEventType.STEP_START:
            s["starts"] += 1
        elif ev.event_type in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE):
            s["ended"] = True
        elif ev.event_type == dg.DagsterEventType.ENGINE_EVENT and ev.engine_event_data:
            worker = ev.engine_event_data.metadata.get("Celery worker")
            if worker is not None:
                s["workers"].append(worker.value)
    return steps


def kill_tree(pid: int) -> None:
    """SIGKILL a process and every process under it (a Celery pool process and its parser workers)."""
    for child in cs.children(pid):
        kill_tree(child)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@pytest.fixture(scope="module")
def lake_world(tmp_path_factory):
    """The embedded default and a Celery run into a DuckLake on the same corpus, one worker killed mid-chunk."""
    why = cs.missing_services()
    if why:
        pytest.skip(why)
    import dagster as dg

    from orchestration import lake

    tmp = tmp_path_factory.mktemp("cluster")
    docs = synth(tmp / "generated", FIRST + LATER)
    raw = tmp / "raw"
    raw.mkdir()
    for p in docs[:FIRST]:
        shutil.copy2(p, raw / p.name)
    emb_home, lake_home = tmp / "embedded", tmp / "lake"
    lake_home.mkdir()
    settings = cs.cluster_up(lake_home)
    workers: list[subprocess.Popen] = []
    runs: list[subprocess.Popen] = []
    try:
        # the embedded default on the same corpus, first (beside the Celery run, both took twice as long here)
        emb_env = cs.base_env(emb_home, raw, NIANBAO_CHUNK=str(CHUNK), NIANBAO_WORKERS="1")
        embedded_run = cs.start_run(emb_env, emb_home)
        runs.append(embedded_run)
        embedded = cs.finish_run(embedded_run, emb_home)
        env = cs.base_env(lake_home, raw, NIANBAO_CHUNK=str(CHUNK), NIANBAO_WORKERS="1", **settings)
        (lake_home / "dagster_home").mkdir(parents=True)
        shutil.copy(cs.ROOT / "dagster.yaml", lake_home / "dagster_home" / "dagster.yaml")
        workers = [cs.start_worker(env, f"w{i}", lake_home / f"worker{i}.log") for i in (1, 2)]
        run = cs.start_run(env, lake_home)
        runs.append(run)
        with pytest.MonkeyPatch.context() as mp:  # the instance's dagster.yaml reads DAGSTER_HOME; lake settings
            for key in ("DAGSTER_HOME", "NIANBAO_HOME", "NIANBAO_CATALOG", "NIANBAO_DATA_PATH"):
                mp.setenv(key, env[key])
            instance = dg.DagsterInstance.from_config(env["DAGSTER_HOME"])
            run_id = cs.wait_for(
                lambda: next(iter(r.run_id for r in instance.get_runs(limit=1)), None), 120, "the run to start"
            )

            def running_chunk():  # a chunk step started on a worker and not ended, after the first chunk's
                steps = chunk_steps(instance, run_id)
                live = [(k, s) for k, s in sorted(steps.items()) if s["starts"] and s["workers"] and not s["ended"]]
                return live[-1] if len(steps) > 1 and live else None

            step, state = cs.wait_for(running_chunk, 300, "a chunk step running on a worker", every=0.1)
            victim = workers[int(state["workers"][-1].split("@")[0][1:]) - 1]
            pool = cs.wait_for(lambda: cs.children(victim.pid), 30, "the worker's pool process")
            for pid in pool:
                kill_tree(pid)  # the process running the chunk dies, and its parser processes with it
            seq = int(step.rsplit("chunk_", 1)[1].rstrip("]"))
            con = lake.connect_lake(read_only=True)
            committed_at_kill = con.execute(
                "select count(*) from raw.load_log where run_id = ? and chunk_seq = ?", [run_id, seq]
            ).fetchone()[0]
            con.close()
            celery_summary = cs.finish_run(run, lake_home)
            steps = chunk_steps(instance, run_id)
            instance.dispose()
        yield {
            "tmp": tmp,
            "raw": raw,
            "later": docs[FIRST:],
            "embedded": embedded,
            "celery": celery_summary,
            "env": env,
            "settings": settings,
            "emb_home": emb_home,
            "lake_home": lake_home,
            "killed": step,
            "steps": steps,
            "run_id": run_id,
            "committed_at_kill": committed_at_kill,
        }
    finally:
        for proc in runs + workers:
            cs.stop(proc)
        cs.cluster_down(lake_home)


@pytest.fixture
def lake_env(lake_world, monkeypatch):
    """This process's settings pointed at the test's lake (orchestration.lake reads them when called)."""
    for key in cs.OWN:
        monkeypatch.delenv(key, raising=False)
    for key, value in lake_world["settings"].items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("NIANBAO_HOME", str(lake_world["lake_home"]))
    return lake_world


def test_celery_run_with_a_killed_worker_equals_the_embedded_default(lake_env):
    from orchestration import lake

    w = lake_env
    killed = w["steps"][w["killed"]]
    assert w["committed_at_kill"] == 0  # killed mid-chunk: nothing of that chunk was committed yet
    assert killed["starts"] >= 2 and killed["ended"], killed  # the killed chunk ran again, on some worker
    assert len(w["steps"]) == FIRST // CHUNK and all(s["ended"] for s in w["steps"].values())
    workers = {name.split("@")[0] for s in w["steps"].values() for name in s["workers"]}
    assert workers == {"w1", "w2"}  # both workers took chunks
    assert w["celery"]["success"] and w["embedded"]["success"]
    assert w["celery"]["reports_in_marts"] == w["embedded"]["reports_in_marts"] == FIRST
    assert w["celery"]["figures_loaded"] == w["embedded"]["figures_loaded"] > 1000
    con = lake.connect_lake(read_only=True)
    try:
        # every chunk committed once: one raw.load_log row per chunk of the run, each content loaded once
        seqs = con.execute(
            "select chunk_seq, count(*) from raw.load_log where run_id = ? and n_documents > 0 group by 1 order by 1",
            [w["run_id"]],
        ).fetchall()
        assert [s for s, _ in seqs] == list(range(FIRST // CHUNK)) and {n for _, n in seqs} == {1}
        assert con.execute("select count(*), count(distinct report_id) from raw.reports").fetchone() == (FIRST, FIRST)
        diff = cs.marts_difference(con, w["emb_home"] / "warehouse.duckdb")
    finally:
        con.close()
    assert len(diff) >= 10 and diff["fct_report_figures"][0] == w["celery"]["figures_loaded"]
    assert {t: d for t, d in diff.items() if d[0] != d[1] or d[2]} == {}, diff
    assert (w["lake_home"] / "bi" / "nianbao.duckdb").exists()  # the published BI snapshot file, as before


def test_a_reader_pinned_to_a_snapshot_sees_no_change_during_a_run(lake_env):
    import duckdb

    from orchestration import lake

    w = lake_env
    probe = (
        "select (select count(*) from marts.dim_reports), (select count(*) from marts.fct_report_figures), "
        "(select count(*) from raw.reports), (select coalesce(sum(hash(report_id, value)), 0) "
        "from marts.fct_report_figures)"
    )
    latest = lake.connect_lake(read_only=True)
    version = lake.current_snapshot(latest)
    latest.close()
    pinned = lake.connect_lake(read_only=True, snapshot_version=version)
    before = pinned.execute(probe).fetchone()
    assert before[0] == FIRST
    for p in w["later"]:
        shutil.copy2(p, w["raw"] / p.name)
    env = {k: v for k, v in w["env"].items() if k != "NIANBAO_EXECUTOR"}  # this run in-process, into the lake
    run = subprocess.Popen(
        [cs.PY, "-m", "orchestration.run"],
        env=env,
        cwd=cs.ROOT,
        stdout=(w["lake_home"] / "run2.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    seen_versions, reads = set(), 0
    try:
        while run.poll() is None:
            assert pinned.execute(probe).fetchone() == before
            reads += 1
            con = duckdb.connect(":memory:")
            lake.load_extensions(con)
            con.execute(lake.attach_sql(read_only=True))
            seen_versions.add(con.execute(f"select max(snapshot_id) from {lake.LAKE_ALIAS}.snapshots()").fetchone()[0])
            con.close()
            time.sleep(2)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == 0, (w["lake_home"] / "run2.log").read_text()[-4000:]
    assert pinned.execute(probe).fetchone() == before  # still the pinned snapshot after the run
    pinned.close()
    assert reads >= 5 and len(seen_versions) >= 3  # the writers committed many snapshots while the reader read
    moved = lake.connect_lake(read_only=True)
    try:
        after = moved.execute(probe).fetchone()
        assert lake.current_snapshot(moved) > version
    finally:
        moved.close()
    assert after[0] == after[2] == FIRST + LATER and after[1] > before[1]
