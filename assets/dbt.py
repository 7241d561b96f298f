"""dbt: staging views and incremental marts built by `dbt build` (tests become asset checks), one writer at a time."""

import contextlib
import logging
import os
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets
from dagster_duckdb import DuckDBResource

from assets import dbt_output, table_metadata
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
    """Group dbt nodes by their schema (staging, marts, reference); link each to its page of the dbt docs."""

    def get_metadata(self, dbt_resource_props: Mapping[str, Any]) -> Mapping[str, Any]:
        page = (settings.docs_dir() / "dbt" / "static_index.html").as_uri()
        kind, uid = dbt_resource_props.get("resource_type"), dbt_resource_props.get("unique_id")
        return {**super().get_metadata(dbt_resource_props),
                "dbt_docs": dg.MetadataValue.url(f"{page}#!/{kind}/{uid}")}  # make docs

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


def relation(node: Mapping[str, Any]) -> tuple[str, str]:
    """(schema, name) of a dbt node in the warehouse."""
    return node["schema"], node.get("alias") or node["name"]


def with_table_metadata(events: list, manifest: Mapping[str, Any], duckdb: DuckDBResource) -> list:
    """The events, each model's and seed's with dagster/row_count and dagster/column_schema from the warehouse.

    (dagster-dbt's fetch_row_counts/fetch_column_metadata open the file through dbt-duckdb's adapter in this
    process, with another configuration than DuckDBResource's, which DuckDB then refuses to every later connection.)
    """
    nodes = {}
    for e in events:
        uid = e.metadata.get("unique_id") if isinstance(e, dg.Output | dg.AssetMaterialization) else None
        node = manifest["nodes"].get(getattr(uid, "value", uid)) if uid is not None else None
        if node is not None:
            nodes[id(e)] = node
    described = {relation(n): {c: v.get("description") for c, v in (n.get("columns") or {}).items()}
                 for n in nodes.values()}
    with duckdb.get_connection() as conn:
        found = table_metadata.table_metadata(conn, described, described)
    return [e.with_metadata({**e.metadata, **found[relation(nodes[id(e)])]})
            if id(e) in nodes and relation(nodes[id(e)]) in found else e for e in events]


def build_dbt_assets() -> dg.AssetsDefinition:
    """The @dbt_assets definition (built lazily, after the manifest exists)."""
    ensure_manifest()

    @dbt_assets(manifest=DBT_PROJECT.manifest_path, project=DBT_PROJECT, pool="duckdb_writer",
                name="nianbao_dbt", dagster_dbt_translator=Translator())
    def nianbao_dbt(context: dg.AssetExecutionContext, dbt: DbtCliResource, duckdb: DuckDBResource):
        """dbt models: one row per the grain stated in each model's YAML description."""
        os.environ["NIANBAO_WAREHOUSE_PATH"] = duckdb.database  # dbt writes the file the resource points at
        os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
        os.environ["DBT_USE_COLORS"] = "false"  # plain lines in dbt's logs
        # incremental marts (the reports and bodies that changed); `make rebuild` rebuilds every table
        args = ["build", "--full-refresh"] if settings.full_refresh() else ["build"]
        target = dbt_output.target_path(context.run.run_id)  # under NIANBAO_HOME, with dbt.log
        context.log.info(f"dbt: `dbt {' '.join(args)}`, target folder {target}")
        events, error = [], None
        with quiet_library_logs():  # dagster-dbt's own INFO lines (selection, partial parse copy, command)
            invocation = dbt.cli(args, context=context, target_path=target)
            try:
                for event in dbt_output.stream(invocation, context, target / dbt_output.CONSOLE_LOG):
                    events.append(event)
            except Exception as e:  # dbt failed: what it built is still reported, then the failure
                error = e
        # dbt has released the warehouse: row counts and column types of what it built, through our connection
        yield from with_table_metadata(events, invocation.manifest, duckdb)
        if error is not None:
            raise error

    return nianbao_dbt
