"""The `duckdb` resource: the warehouse file as before, or the DuckLake when NIANBAO_CATALOG is set."""

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
from dagster_duckdb import DuckDBResource

from orchestration import lake


class WarehouseResource(DuckDBResource):
    """DuckDBResource that opens the DuckLake when NIANBAO_CATALOG is set, else the DuckDB file as before."""

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if not self.database.startswith("ducklake:"):
            with super().get_connection() as con:
                yield con
            return
        con = lake.connect_lake(config=dict(self.connection_config or {}))
        try:
            yield con
        finally:
            con.close()


def build_resource() -> DuckDBResource:
    """The `duckdb` resource: the plain DuckDBResource for the file, WarehouseResource for the lake."""
    if lake.is_lake():
        return WarehouseResource(database=lake.database())
    return DuckDBResource(database=lake.database())
