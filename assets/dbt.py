"""dbt: staging views and incremental marts built by `dbt build` (tests become asset checks), one writer at a time."""

import contextlib
import logging
import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets
from dagster_duckdb import DuckDBResource

from assets import dbt_failures, dbt_files, dbt_output
from assets.resources import NianbaoSettings

# absolute imports only: `dagster-dbt project prepare-and-package --file assets/dbt.py` loads this file standalone
DBT_PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"
DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def dbt_executable() -> str:
    """The dbt installed beside this interpreter (the venv's), else whatever `dbt` is on PATH."""
    local = Path(sys.executable).parent / "dbt"
    return str(local) if local.exists() else (shutil.which("dbt") or "dbt")


def dbt_env(warehouse_path: str | os.PathLike) -> None:
    """Export the warehouse path the dbt profile reads (absolute; the code location passes it)."""
    os.environ.setdefault("NIANBAO_WAREHOUSE_PATH", str(warehouse_path))
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")


def manifest_is_stale() -> bool:
    """True when target/manifest.json is missing or older than any file of the dbt project."""
    manifest = DBT_PROJECT.manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    return any(p.stat().st_mtime > built for p in dbt_files.project_files(DBT_PROJECT_DIR))


def ensure_manifest(warehouse_path: str | os.PathLike) -> None:
    """Parse the dbt project when its manifest is missing or stale (outside `dagster dev` nobody else does)."""
    if manifest_is_stale():
        dbt_env(warehouse_path)
        (
            DbtCliResource(project_dir=DBT_PROJECT, dbt_executable=dbt_executable())
            .cli(["parse", "--quiet"], target_path=DBT_PROJECT.target_path)
            .wait()
        )


class Translator(DagsterDbtTranslator):
    """Group dbt nodes by their schema (staging, marts, reference); link each to its page of the dbt docs."""

    def __init__(self, docs_dir: str | os.PathLike):
        super().__init__()
        self.docs_dir = docs_dir  # `make docs` writes the dbt docs under it

    def get_metadata(self, dbt_resource_props: Mapping[str, Any]) -> Mapping[str, Any]:
        page = (Path(self.docs_dir) / "dbt" / "static_index.html").as_uri()
        kind, uid = dbt_resource_props.get("resource_type"), dbt_resource_props.get("unique_id")
        return {
            **super().get_metadata(dbt_resource_props),
            "dbt_docs": dg.MetadataValue.url(f"{page}#!/{kind}/{uid}"),
        }  # make docs

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_resource_props.get("config", {}).get("schema") or "dbt"


@contextlib.contextmanager
def quiet_library_logs(level: int = logging.WARNING):
    """Raise the level of `dagster.builtin` (get_dagster_logger(), which dagster-dbt logs through) for a while."""
    log = logging.getLogger("dagster.builtin")
    before = log.level
    log.setLevel(level)
    try:
        yield
    finally:
        log.setLevel(before)


def failing_reports(invocation, duckdb: DuckDBResource, settings: NianbaoSettings):
    """`finish` for dbt_output.stream: the held check results of the tests that warned or failed, each with its failing
    reports (assets/dbt_failures.py), read through the warehouse resource after dbt has exited."""

    def finish(held: list):
        try:
            run_results = invocation.get_artifact("run_results.json")
        except OSError:  # dbt died before writing it: the checks go out as dbt gave them
            run_results = {}
        return dbt_failures.named(held, duckdb.get_connection, invocation.manifest, run_results, settings.raw_dir)

    return finish


def build_dbt_assets(warehouse_path: str | os.PathLike, docs_dir: str | os.PathLike) -> dg.AssetsDefinition:
    """The @dbt_assets definition (built lazily, after the manifest exists; parsing it needs the warehouse path)."""
    ensure_manifest(warehouse_path)

    @dbt_assets(
        manifest=DBT_PROJECT.manifest_path,
        project=DBT_PROJECT,
        pool="duckdb_writer",
        name="nianbao_dbt",
        dagster_dbt_translator=Translator(docs_dir),
    )
    def nianbao_dbt(
        context: dg.AssetExecutionContext, dbt: DbtCliResource, duckdb: DuckDBResource, settings: NianbaoSettings
    ):
        """dbt models: one row per the grain stated in each model's YAML description."""
        os.environ["NIANBAO_WAREHOUSE_PATH"] = duckdb.database  # dbt writes the file the resource points at
        os.environ["NIANBAO_RAW_DIR"] = str(settings.raw_dir)  # absolute: the marts' paths are relative to it
        os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
        os.environ["DBT_USE_COLORS"] = "false"  # plain lines in dbt's logs
        if settings.data_path:  # the `lake` target's data (DuckLake mode)
            os.environ.setdefault("NIANBAO_DATA_PATH", settings.data_path)
        # incremental marts (the reports and bodies that changed); `make rebuild` rebuilds every table
        args = ["build", "--full-refresh"] if settings.full_refresh else ["build"]
        target = dbt_output.target_path(settings.dbt_target_dir, context.run.run_id)  # under NIANBAO_HOME, with dbt.log
        context.log.info(f"dbt: `dbt {' '.join(args)}`, target folder {target}")
        with quiet_library_logs():  # dagster-dbt's own INFO lines (selection, partial parse copy, command)
            invocation = dbt.cli(args, context=context, target_path=target)
            # as dbt runs; each table's row count and column types come from its post-hook (log_table_metadata);
            # a test that warned or failed names its failing reports, read once dbt has exited (its lock released)
            finish = failing_reports(invocation, duckdb, settings)
            yield from dbt_output.stream(invocation, context, target / dbt_output.CONSOLE_LOG, finish=finish)

    return nianbao_dbt
