"""Resources: the DuckDB warehouse and the dbt CLI, both pointing at paths from orchestration.settings."""

import importlib.metadata
import shutil
import sys
from functools import cached_property
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource

from orchestration import guard, settings


def dbt_executable() -> str:
    """The dbt installed beside this interpreter (the venv's), else whatever `dbt` is on PATH."""
    local = Path(sys.executable).parent / "dbt"
    return str(local) if local.exists() else (shutil.which("dbt") or "dbt")


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


def build_resources() -> dict[str, dg.ConfigurableResource | dg.ResourceDefinition]:
    """Resource instances for the current environment (reads settings when called)."""
    return {
        "duckdb": DuckDBResource(database=str(settings.warehouse_path())),
        "dbt": DbtCli(project_dir=str(settings.DBT_PROJECT_DIR),
                              profiles_dir=str(settings.DBT_PROJECT_DIR), dbt_executable=dbt_executable()),
        "run_lock": guard.run_lock_resource(),  # one run at a time per NIANBAO_HOME, dead runs reclaimed
    }
