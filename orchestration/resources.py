"""Resources: the DuckDB warehouse, the dbt CLI and the assets' settings, from orchestration.settings."""

import importlib.metadata
import sys
from functools import cached_property
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from assets.dbt import dbt_executable
from assets.resources import NianbaoSettings
from orchestration import guard, lake, settings, warehouse


def nianbao_settings() -> NianbaoSettings:
    """The assets' paths and limits, read from the environment now."""
    return NianbaoSettings(
        home=str(settings.home()),
        raw_dir=str(settings.raw_dir()),
        snapshot_path=str(settings.snapshot_path()),
        gx_dir=str(settings.gx_dir()),
        docs_dir=str(settings.docs_dir()),
        dbt_target_dir=str(settings.dbt_target_dir()),
        extract_workers=settings.extract_workers(),
        extract_timeout_s=settings.extract_timeout_s(),
        extract_memory_mb=settings.extract_memory_mb(),
        extract_chunk=settings.extract_chunk(),
        check_batch_rows=settings.check_batch_rows(),
        duckdb_memory_limit=settings.duckdb_memory_limit(),
        full_refresh=settings.full_refresh(),
        data_path=settings.data_path() if lake.is_lake() else "",
        source_attach=lake.attach_source_statements("src"),
    )


class DbtCli(DbtCliResource):
    """DbtCliResource without two fixed costs of every `dbt build` (about 5 s of a one-report run on 2 cores):
    dagster-dbt asks the dbt executable for its version (`dbt --version`, a second dbt start-up) and opens a dbt
    adapter in this process, used only to fetch column metadata or row counts, which no asset here asks for. The
    dbt beside this interpreter is the locked dbt-core package, so its version is the package's."""

    @cached_property
    def _cli_version(self):
        from packaging import version

        if Path(self.dbt_executable).parent != Path(sys.executable).parent:  # another dbt: ask it
            return super()._cli_version
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        return None


def pipeline_dbt() -> str:
    """The dbt executable of the pipeline's dbt step: `nianbao-dbt` (orchestration/dbt_client.py: the run's early dbt
    when one listens, else the plain dbt), or the plain dbt when the project is not installed with its scripts."""
    client = Path(sys.executable).parent / "nianbao-dbt"
    return str(client) if client.exists() else dbt_executable()


def build_resources() -> dict[str, dg.ConfigurableResource | dg.ResourceDefinition]:
    """Resource instances for the current environment (reads settings when called)."""
    return {
        "duckdb": warehouse.build_resource(),  # the DuckDB file, or the DuckLake (NIANBAO_CATALOG)
        "dbt": DbtCli(
            project_dir=str(settings.DBT_PROJECT_DIR),
            profiles_dir=str(settings.DBT_PROJECT_DIR),
            dbt_executable=pipeline_dbt(),
        ),
        "settings": nianbao_settings(),  # the assets' paths and limits (assets never import orchestration)
        # one run at a time per NIANBAO_HOME, dead runs reclaimed; under Celery the launching process holds it
        "run_lock": dg.ResourceDefinition.none_resource()
        if settings.executor() == "celery"
        else guard.run_lock_resource(),
    }
