"""Plain DuckDB connections to the warehouse: one DuckDB file (the default) or a DuckLake (PostgreSQL catalog,
Parquet data). No Dagster import: dbt's profile plugin (orchestration/dbt_lake.py) uses it too.

With NIANBAO_CATALOG set, every connection is an in-memory DuckDB that loads the ducklake and postgres_scanner
extensions from their PyPI packages (never downloaded at run time), attaches the lake as `lake` and makes it the
default database, so the same SQL (`raw.documents`, `marts.dim_reports`) reads and writes the lake.
"""

import importlib.util
import time
from pathlib import Path

import duckdb

from orchestration import settings

LAKE_ALIAS = "lake"
EXTENSIONS = (("duckdb_extension_postgres_scanner", "postgres_scanner"), ("duckdb_extension_ducklake", "ducklake"))
NO_DOWNLOADS = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


def is_lake() -> bool:
    """True when NIANBAO_CATALOG names a DuckLake catalog (PostgreSQL)."""
    return settings.catalog() is not None


def extension_path(package: str, name: str) -> Path:
    """The extension file a duckdb-extension-* package installs for this DuckDB version."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"DuckLake mode needs the PyPI package {package.replace('_', '-')} (make sync)")
    path = (
        Path(next(iter(spec.submodule_search_locations)))
        / "extensions"
        / f"v{duckdb.__version__}"
        / f"{name}.duckdb_extension"
    )
    if not path.exists():
        raise RuntimeError(f"{path} is missing: {package} does not match DuckDB {duckdb.__version__}")
    return path


def load_extensions(con) -> None:
    """LOAD the lake's extensions from their installed packages (files, no network)."""
    for package, name in EXTENSIONS:
        con.execute(f"LOAD '{extension_path(package, name)}'")


def lake_uri() -> str:
    """'ducklake:postgres:<NIANBAO_CATALOG>': what ATTACH takes (libpq accepts a URL or key=value pairs)."""
    return f"ducklake:postgres:{settings.catalog()}"


def database() -> str:
    """What the warehouse resource points at: the DuckDB file, or the DuckLake URI."""
    return lake_uri() if is_lake() else str(settings.warehouse_path())


def attach_sql(alias: str = LAKE_ALIAS, read_only: bool = False, snapshot_version: int | None = None) -> str:
    """ATTACH of the lake: data under NIANBAO_DATA_PATH, Parquet only (no rows inlined into the catalog)."""
    options = [f"DATA_PATH '{settings.data_path()}'", "DATA_INLINING_ROW_LIMIT 0"]
    if read_only:
        options.append("READ_ONLY")
    if snapshot_version is not None:
        options.append(f"SNAPSHOT_VERSION {int(snapshot_version)}")
    return f"ATTACH IF NOT EXISTS '{lake_uri()}' AS {alias} ({', '.join(options)})"


def connect_lake(read_only: bool = False, snapshot_version: int | None = None, config: dict | None = None):
    """An in-memory DuckDB with the lake attached as the default database (retried while the catalog starts)."""
    con = duckdb.connect(":memory:", config={**NO_DOWNLOADS, **(config or {})})
    try:
        load_extensions(con)
        for attempt in range(5):
            try:
                con.execute(attach_sql(read_only=read_only, snapshot_version=snapshot_version))
                break
            except duckdb.IOException:  # the catalog is unreachable (restarting): a short wait, then fail loudly
                if attempt == 4:
                    raise
                time.sleep(2**attempt)
        con.execute(f"USE {LAKE_ALIAS}")
    except Exception:
        con.close()
        raise
    return con


def attach_source_statements(alias: str, read_only: bool = True) -> list[str]:
    """The SQL that attaches the warehouse to a connection of its own as `alias` (the snapshot copy reads it)."""
    if is_lake():
        loads = [f"LOAD '{extension_path(package, name)}'" for package, name in EXTENSIONS]
        return [*loads, attach_sql(alias=alias, read_only=read_only)]
    return [f"attach '{settings.warehouse_path()}' as {alias}{' (read_only)' if read_only else ''}"]


def attach_source(con, alias: str, read_only: bool = True) -> None:
    """Attach the warehouse to a connection of its own as `alias`."""
    for statement in attach_source_statements(alias, read_only):
        con.execute(statement)


def current_snapshot(con) -> int:
    """The lake's latest snapshot id (what a pinned reader pins to)."""
    return con.execute(f"select max(snapshot_id) from {LAKE_ALIAS}.snapshots()").fetchone()[0]
