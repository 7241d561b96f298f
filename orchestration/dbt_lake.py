"""dbt-duckdb plugin of the `lake` target: loads the DuckLake extensions from their PyPI packages before ATTACH."""

from dbt.adapters.duckdb.plugins import BasePlugin

from orchestration import lake


class Plugin(BasePlugin):
    """Loads postgres_scanner and ducklake from the installed packages (dbt would INSTALL them from the network)."""

    def configure_connection(self, conn) -> None:
        lake.load_extensions(conn)
