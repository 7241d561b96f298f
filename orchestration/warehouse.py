"""The `duckdb` resource: the warehouse file (no checkpoint on every close), or the DuckLake when NIANBAO_CATALOG is set."""

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
from dagster_duckdb import DuckDBResource

from orchestration import lake

# A step opens the warehouse several times (a connection per write, per check). DuckDB checkpoints the file when a
# connection that wrote closes: ~0.2 s on a national warehouse even for a few audit rows, twenty-odd times a run.
# Here a close leaves the committed transactions in the write-ahead log (durable: the next open replays it); DuckDB
# still checkpoints when the log passes its threshold (wal_autocheckpoint), and dbt's own connection checkpoints
# when dbt closes it.
NO_CHECKPOINT_ON_CLOSE = "pragma disable_checkpoint_on_shutdown"


class WarehouseResource(DuckDBResource):
    """DuckDBResource whose connections do not checkpoint when they close; the DuckLake when NIANBAO_CATALOG is set."""

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if not self.database.startswith("ducklake:"):
            with super().get_connection() as con:
                con.execute(NO_CHECKPOINT_ON_CLOSE)
                yield con
            return
        con = lake.connect_lake(config=dict(self.connection_config or {}))
        try:
            yield con
        finally:
            con.close()


def build_resource() -> DuckDBResource:
    """The `duckdb` resource (the file or the lake)."""
    return WarehouseResource(database=lake.database())
