"""Resources: the DuckDB warehouse and the dbt CLI, both pointing at paths from orchestration.settings."""

import shutil
import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration import guard, settings, warehouse


def dbt_executable() -> str:
    """The dbt installed beside this interpreter (the venv's), else whatever `dbt` is on PATH."""
    local = Path(sys.executable).parent / "dbt"
    return str(local) if local.exists() else (shutil.which("dbt") or "dbt")


def build_resources() -> dict[str, dg.ConfigurableResource | dg.ResourceDefinition]:
    """Resource instances for the current environment (reads settings when called)."""
    return {
        "duckdb": warehouse.build_resource(),  # the DuckDB file, or the DuckLake (NIANBAO_CATALOG)
        "dbt": DbtCliResource(project_dir=str(settings.DBT_PROJECT_DIR),
                              profiles_dir=str(settings.DBT_PROJECT_DIR), dbt_executable=dbt_executable()),
        # one run at a time per NIANBAO_HOME, dead runs reclaimed; under Celery the launching process holds it
        "run_lock": dg.ResourceDefinition.none_resource() if settings.executor() == "celery"
        else guard.run_lock_resource(),
    }
