"""dbt: staging views and incremental marts built by `dbt build` (tests become asset checks), one writer at a time."""

import os
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets
from dagster_duckdb import DuckDBResource

from orchestration import settings
from orchestration.resources import dbt_executable

# absolute imports only: `dagster-dbt project prepare-and-package --file assets/dbt.py` loads this file standalone
DBT_PROJECT = DbtProject(project_dir=settings.DBT_PROJECT_DIR, profiles_dir=settings.DBT_PROJECT_DIR)


def dbt_env() -> None:
    """Export the warehouse path the dbt profile reads (absolute, from orchestration.settings)."""
    os.environ.setdefault("NIANBAO_WAREHOUSE_PATH", str(settings.warehouse_path()))
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")


def manifest_is_stale() -> bool:
    """True when target/manifest.json is missing or older than any file of the dbt project."""
    manifest = DBT_PROJECT.manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    root = settings.DBT_PROJECT_DIR
    sources = [root / "dbt_project.yml", root / "profiles.yml"]
    for folder in ("models", "macros", "seeds", "tests"):
        sources += [p for p in (root / folder).rglob("*") if p.is_file()]
    return any(p.stat().st_mtime > built for p in sources if p.exists())


def ensure_manifest() -> None:
    """Parse the dbt project when its manifest is missing or stale (outside `dagster dev` nobody else does)."""
    if manifest_is_stale():
        dbt_env()
        (DbtCliResource(project_dir=DBT_PROJECT, dbt_executable=dbt_executable())
         .cli(["parse", "--quiet"], target_path=DBT_PROJECT.target_path).wait())


class Translator(DagsterDbtTranslator):
    """Group dbt nodes by their schema (staging, marts, reference)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_resource_props.get("config", {}).get("schema") or "dbt"


def build_dbt_assets() -> dg.AssetsDefinition:
    """The @dbt_assets definition (built lazily, after the manifest exists)."""
    ensure_manifest()

    @dbt_assets(manifest=DBT_PROJECT.manifest_path, project=DBT_PROJECT, pool="duckdb_writer",
                name="nianbao_dbt", dagster_dbt_translator=Translator())
    def nianbao_dbt(context: dg.AssetExecutionContext, dbt: DbtCliResource, duckdb: DuckDBResource):
        """dbt models: one row per the grain stated in each model's YAML description."""
        os.environ["NIANBAO_WAREHOUSE_PATH"] = duckdb.database  # dbt writes the file the resource points at
        os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
        os.environ.setdefault("NIANBAO_DATA_PATH", settings.data_path())  # the `lake` target's data (DuckLake mode)
        # incremental marts (the reports and bodies that changed); `make rebuild` rebuilds every table
        args = ["build", "--full-refresh"] if settings.full_refresh() else ["build"]
        yield from dbt.cli(args, context=context).stream()

    return nianbao_dbt
