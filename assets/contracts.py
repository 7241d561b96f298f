"""Nothing lost: a blocking check that every entry an independent walk (`find`) meets under the raw dir is recorded."""

import os
import subprocess

import dagster as dg
import duckdb as ddb
import pyarrow as pa

from nianbao.discovery import readable

CHECK = "nothing_lost"
# find(1) walks with fts (relative opens: no PATH_MAX limit), never follows symlinks and never stops on an error.
# Printed: the type letter, the change time and the path of every entry but folders (hidden ones pruned);
# a folder it cannot read (or search) is printed too, as 'U': its files are unknown, so it must be recorded itself.
FIND = [
    "find",
    "{root}",
    "-mindepth",
    "1",
    "(",
    "-name",
    ".*",
    "-prune",
    ")",
    "-o",
    "(",
    "-type",
    "d",
    "(",
    "!",
    "-readable",
    "-o",
    "!",
    "-executable",
    ")",
    "-printf",
    r"U\t%C@\t%p\0",
    ")",
    "-o",
    "(",
    "!",
    "-type",
    "d",
    "-printf",
    r"%y\t%C@\t%p\0",
    ")",
]


def walk(raw_dir: str | os.PathLike) -> subprocess.Popen | None:
    """Start find(1) over raw_dir (None when it is not a folder): it walks while the caller does other work."""
    if not os.path.isdir(os.fsencode(str(raw_dir))):
        return None
    argv = [os.fsencode(a.replace("{root}", str(raw_dir))) if "{root}" in a else a.encode() for a in FIND]
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)


def walked(proc: subprocess.Popen | None, started_at: float | None = None) -> dict[str, str]:
    """The entries a walk (see walk) printed: readable path -> find's type letter; those changed at or after
    started_at (the run's start) belong to the next batch and are left out."""
    if proc is None:
        return {}
    out, _ = proc.communicate()
    entries = {}
    for record in out.split(b"\0"):
        if not record:
            continue
        kind, ctime, path = record.split(b"\t", 2)
        if started_at is not None and float(ctime) >= started_at:
            continue
        entries[readable(path)] = kind.decode()
    return entries


def independent_entries(raw_dir: str | os.PathLike, started_at: float | None = None) -> dict[str, str]:
    """Every entry under raw_dir as find(1) sees it: readable path -> find's type letter (f, l, p, s … or U).

    Independent of nianbao.discovery's walk (only the readable form of a name is shared, so paths compare).
    Entries changed after started_at (the run's start) belong to the next batch and are left out.
    """
    return walked(walk(raw_dir), started_at)


# entries with no row at their path; a symlinked or unreadable folder counts as recorded when rows exist under it
# (discovery walks a link inside the raw dir; it records the files of an unsearchable folder). In SQL: a national raw
# dir has hundreds of thousands of entries.
LOST = """
with recorded as ({recorded}),
unrecorded as (
    select e.path, e.kind from entries e anti join recorded r on r.path = e.path
)
select u.path from unrecorded u
where not (u.kind in ('l', 'U') and exists (select 1 from recorded r where starts_with(r.path, u.path || '/')))
order by u.path
"""
RECORDED = "select distinct path from raw.documents where is_current"


def lost(conn, entries: dict[str, str], recorded: str = RECORDED) -> list[str]:
    """The entries (independent_entries) that `recorded` (a query of paths; the current raw.documents rows) misses."""
    conn.register(
        "entries",
        pa.table({"path": pa.array(list(entries), pa.string()), "kind": pa.array(list(entries.values()), pa.string())}),
    )
    try:
        return [r[0] for r in conn.execute(LOST.format(recorded=recorded)).fetchall()]
    finally:
        conn.unregister("entries")


def missing(entries: dict[str, str], recorded: set[str]) -> list[str]:
    """`lost` against a set of recorded paths."""
    with ddb.connect() as conn:
        conn.register("recorded_paths", pa.table({"path": pa.array(sorted(recorded), pa.string())}))
        return lost(conn, entries, "select path from recorded_paths")


SPEC = dg.AssetCheckSpec(
    CHECK,
    asset=dg.AssetKey(["raw", "documents"]),
    blocking=True,
    description="Every entry under the raw dir (found by find(1)) has a current raw.documents row.",
)  # evaluated in the step of the raw checks (assets.checks), on the connection their suites share


def nothing_lost(conn, raw_dir: str | os.PathLike, entries: dict[str, str]) -> dg.AssetCheckResult:
    """Compare an independent walk of the raw dir (independent_entries, or walk + walked) with raw.documents (current
    rows) and raw.quarantine."""
    gone = lost(conn, entries)
    return dg.AssetCheckResult(
        asset_key=SPEC.asset_key,
        check_name=CHECK,
        passed=not gone,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "raw_dir": str(raw_dir),
            "entries": len(entries),
            "recorded": len(entries) - len(gone),
            "lost": len(gone),
            "lost_paths": dg.MetadataValue.json(gone[:50]),
        },
    )
