"""Stream a suite's rows from DuckDB in bounded batches of whole groups (reports, paths), never the whole table."""

from collections.abc import Iterator

import pandas as pd

BATCH_KEY = "_batch_key"
UNBOUNDED = None  # one batch: every row of the query (what `load` returns)


def plan(conn, sql: str, params: list, key: str, size: int | None) -> list[tuple[str | None, str | None]]:
    """Key ranges (lo, hi) in key order whose groups add up to at most `size` rows each (a group larger than
    `size` is a batch of its own); (None, None) is the batch of rows whose key is null. Every row of a group
    falls in one batch, so whatever a suite computes per group (a report's grid, a grain key that includes the
    group) is the same as over all rows at once."""
    counts = conn.execute(
        f"select {BATCH_KEY}, count(*) from ({keyed(sql, key)}) group by 1 order by 1 nulls first", params
    ).fetchall()
    ranges: list[tuple[str | None, str | None]] = []
    lo = hi = None
    n = 0
    for k, c in counts:
        if k is None:
            ranges.append((None, None))
            continue
        if lo is not None and size is not None and n + c > size:
            ranges.append((lo, hi))
            lo, n = None, 0
        lo = k if lo is None else lo
        hi, n = k, n + c
    if lo is not None:
        ranges.append((lo, hi))
    return ranges


def keyed(sql: str, key: str) -> str:
    """The query with its batch key (an SQL expression over its columns, window functions allowed) as a column."""
    return f"select *, {key} as {BATCH_KEY} from ({sql})"


def frames(conn, sql: str, params: list, key: str, size: int | None) -> Iterator[pd.DataFrame]:
    """The query's rows as pandas frames of whole groups of `key`, each at most `size` rows (unless one group is
    bigger); one empty frame when the query has no row, so a suite always validates something.

    The query runs once when its rows fit in one batch (an incremental run: the rows of a few reports); else it is
    planned (plan) and each batch read on its own, and the first read (at most size + 1 rows) is dropped."""
    if size is None:
        yield conn.execute(sql, params).df()
        return
    first = conn.execute(f"select * from ({sql}) limit {int(size) + 1}", params).df()
    if len(first) <= size:  # every row, so every group is whole
        yield first
        return
    del first
    for lo, hi in plan(conn, sql, params, key, size):
        where, extra = (f"{BATCH_KEY} is null", []) if lo is None else (f"{BATCH_KEY} between ? and ?", [lo, hi])
        yield conn.execute(
            f"select * exclude ({BATCH_KEY}) from ({keyed(sql, key)}) where {where}", params + extra
        ).df()


def load(conn, sql: str, params: list) -> pd.DataFrame:
    """Every row of the query as one pandas frame (tests, small tables)."""
    return conn.execute(sql, params).df()
