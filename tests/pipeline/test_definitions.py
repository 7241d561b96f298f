"""The code location loads, every check targets a real asset, writers share one pool, automation is on."""

import dagster as dg
import pytest


@pytest.fixture(scope="module")
def defs(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("NIANBAO_HOME", str(tmp_path_factory.mktemp("defs")))
    from orchestration.definitions import build_definitions

    yield build_definitions()
    mp.undo()


def test_definitions_load_and_validate(defs):
    dg.Definitions.validate_loadable(defs)
    assert defs.resolve_job_def("refresh_warehouse_job").executor_def is dg.in_process_executor


def test_every_asset_check_key_refers_to_an_existing_asset(defs):
    graph = defs.resolve_asset_graph()
    assets = {k for k in graph.get_all_asset_keys() if graph.get(k).is_materializable}
    assert graph.asset_check_keys
    assert {c.asset_key for c in graph.asset_check_keys} <= assets
    assert (
        dg.AssetCheckKey(dg.AssetKey(["marts", "fct_report_figures"]), "structural_contract") in graph.asset_check_keys
    )


def test_dbt_sources_join_the_python_raw_assets(defs):
    graph = defs.resolve_asset_graph()
    stg = graph.get(dg.AssetKey(["staging", "stg_annual_reports__figures"]))
    assert dg.AssetKey(["raw", "figures"]) in stg.parent_keys
    assert graph.get(dg.AssetKey(["raw", "figures"])).is_materializable


def test_every_warehouse_writer_is_in_the_duckdb_writer_pool(defs):
    graph = defs.resolve_asset_graph()
    for key in (
        ["extract", "report_extractions"],
        ["raw", "figures"],
        ["marts", "fct_report_figures"],
        ["bi", "snapshot"],
    ):
        node = graph.get(dg.AssetKey(key))
        assert node.assets_def.node_def.pool == "duckdb_writer", key


def test_schedule_and_sensor_are_running_by_default(defs):
    schedule = defs.resolve_schedule_def("refresh_warehouse_job_schedule")
    assert schedule.execution_timezone == "Asia/Shanghai"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    sensor = defs.resolve_sensor_def("raw_dir_sensor")
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING


def test_sensor_requests_one_run_per_batch_of_new_files(tmp_path, monkeypatch):
    from orchestration.sensors import raw_dir_request

    monkeypatch.setenv("NIANBAO_RAW_DIR", str(tmp_path))
    (tmp_path / "a.txt").write_text("a")
    request, cursor = raw_dir_request(None)
    assert request is not None
    assert raw_dir_request(cursor)[0] is None  # nothing changed: no run
    for name in ("b.txt", "c.txt", "d.txt"):
        (tmp_path / name).write_text(name)
    again, _ = raw_dir_request(cursor)
    assert again is not None and again.run_key != request.run_key  # one request for the three new files


def test_dbt_seed_codebook_is_the_spec_codebook():
    from orchestration import settings

    seed = settings.DBT_PROJECT_DIR / "seeds" / "codebook.csv"
    assert seed.is_symlink()
    assert seed.read_bytes() == (settings.REPO_ROOT / "nianbao" / "spec" / "codebook.csv").read_bytes()
