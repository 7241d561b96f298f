"""Dagster's local (SQLite) storage with pooled event-log connections: ~9 ms an event becomes ~3 ms.

Dagster's SQLite event log builds an engine, opens a connection, commits and closes it for every event, on the run's
database and again on the index for asset and check events. A one-report run stores ~700 events (a dbt test alone is
three: planned, evaluated, output): ~6 s of the run's own process, 2 s of it before the first step (the planned
events). Here each database keeps its engine and an open connection (an LRU of ENGINES databases), so an event costs
its INSERT and COMMIT. Nothing else changes: the same files, tables and WAL mode, so `dagster dev`, the daemon and
older runs read them as before.

One thing the per-event close did besides: as the database's last connection it checkpointed the write-ahead log
into the database file, and the UI's live view of a run (a watchdog on that file) woke up. With the connection kept
open, a PASSIVE checkpoint runs at most CHECKPOINT_S after a commit instead, so the live view lags by that at most.

The connections commit with `synchronous=NORMAL` (~1 ms of ~4 an event): in WAL mode a commit then waits for no
fsync, only checkpoints do. A crash of the process loses nothing; a crash of the machine (power, kernel) can lose
the last events before the crash, never the database's consistency.
"""

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage, _event_logs_directory
from dagster._serdes import ConfigurableClassData
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine

ENGINES = 16  # databases kept open: the index, the runs being written or watched
CHECKPOINT_S = 0.5  # the longest a committed event waits before the database file (and a live UI) sees it


def _commit_without_fsync(dbapi_connection, _record) -> None:
    """Each new connection of an engine commits without waiting for an fsync (WAL mode: see the module's docstring)."""
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """SqliteEventLogStorage that keeps one engine (and its pooled connection) per database."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._pending: dict[str, threading.Timer] = {}
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> Engine:
        engine = self._engines.get(shard)
        if engine is not None:
            self._engines.move_to_end(shard)
            return engine
        engine = create_engine(
            self.conn_string_for_shard(shard),
            pool_size=1,
            max_overflow=4,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        )
        event.listen(engine, "connect", _commit_without_fsync)
        self._engines[shard] = engine
        while len(self._engines) > ENGINES:
            _, evicted = self._engines.popitem(last=False)
            self._checkpoint_now(evicted)
            evicted.dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn:
                with conn.begin():
                    yield conn
            self._checkpoint_soon(shard)

    def _checkpoint_soon(self, shard: str) -> None:
        """A PASSIVE checkpoint of the shard in CHECKPOINT_S, unless one is pending (called holding _db_lock)."""
        if shard in self._pending:
            return
        timer = threading.Timer(CHECKPOINT_S, self._checkpoint_later, args=(shard,))
        timer.daemon = True
        self._pending[shard] = timer
        timer.start()

    def _checkpoint_later(self, shard: str) -> None:
        with self._db_lock:
            self._pending.pop(shard, None)
            engine = self._engines.get(shard)
            if engine is not None:
                self._checkpoint_now(engine)

    @staticmethod
    def _checkpoint_now(engine: Engine) -> None:
        try:
            with engine.connect() as conn:
                conn.execute(text("PRAGMA wal_checkpoint(PASSIVE)"))
        except Exception:  # a checkpoint is an optimisation for readers: never fail a run over it
            pass

    def dispose(self) -> None:
        with self._db_lock:
            for timer in self._pending.values():
                timer.cancel()
            self._pending.clear()
            while self._engines:
                _, engine = self._engines.popitem(last=False)
                self._checkpoint_now(engine)
                engine.dispose()
        super().dispose()


class NianbaoSqliteStorage(DagsterSqliteStorage):
    """Dagster's SQLite storage (`storage: sqlite:` in dagster.yaml) with the pooled event log."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        super().__init__(base_dir, inst_data)
        self._event_log_storage = PooledSqliteEventLogStorage(_event_logs_directory(base_dir))

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        return cls.from_local(inst_data=inst_data, **config_value)

    @property
    def event_storage_data(self) -> ConfigurableClassData | None:
        return ConfigurableClassData(
            __name__, PooledSqliteEventLogStorage.__name__, f"base_dir: {_event_logs_directory(self.base_dir)}\n"
        )
