"""The raw dir as find(1) lists it: every regular file's path and stat key, when that listing can stand in for the walk.

discovery.walk visits every entry in Python (a stat, a readable name, an Entry each: ~10 µs a file, 1.5 s for a
national raw dir). find does the same walk in C. Its listing stands in for discovery's only when every entry is a
regular file or a folder find could read, every name is UTF-8 and every path is shorter than PATH_MAX: then the
walk would have found exactly these files, under these paths, and nothing else. Anything else (a symlink, a device,
an unreadable folder, a GBK name, a path too long, any error of find) returns None, and the caller walks with
discovery, which records each such entry as a problem.
"""

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from nianbao import discovery

# every entry but the root (followed when it is a link, as discovery opens it), hidden ones pruned as discovery skips
# them, links not followed: type letter, the stat key's fields (times as seconds with 10 decimals), path
FIND = ("-mindepth", "1", "(", "-name", ".*", "-prune", ")", "-o", "-printf", r"%y\t%D:%i:%s:%T@:%C@\t%p\0")
# find prints a time as seconds and 10 decimals (nanoseconds and a 0): discovery.stat_key has nanoseconds
_NS = (r"\.(\d{9})\d", r"\1")


@dataclass(frozen=True, slots=True)
class Listing:
    """The regular files under a raw dir: `files` has columns path (what discovery records) and stat_key."""

    root: str
    files: pa.Table


def discovery_order(path: str) -> str:
    """A sort key that puts paths in discovery.walk's order: each folder's files by name, then its folders by name."""
    folder, _, name = path.rpartition("/")
    return folder.replace("/", "\x01") + "\x00" + name


def list_files(raw_dir: str | os.PathLike) -> Listing | None:
    """The regular files under raw_dir as find(1) lists them, or None when that listing is not what discovery.walk
    would find (see the module's docstring): the caller then walks."""
    root = str(Path(raw_dir))
    if not os.path.isdir(root):
        return None
    proc = subprocess.run(["find", "-H", os.fsencode(root), *FIND], capture_output=True, check=False)
    if proc.returncode != 0 or proc.stderr:
        return None  # an unreadable folder, an entry gone while listed …: discovery records what it meets
    try:
        text = proc.stdout.decode("utf-8")
    except UnicodeDecodeError:
        return None  # a name that is not UTF-8: discovery keeps its bytes (path_hex)
    paths: list[str] = []
    keys: list[str] = []
    for record in text.split("\0"):
        if not record:
            continue
        kind, key, path = record.split("\t", 2)
        if kind == "f":
            paths.append(path)
            keys.append(key)
        elif kind != "d":
            return None  # a symlink, a FIFO, a socket, a device: discovery records it
    table = pa.table({"path": pa.array(paths, pa.string()), "stat_key": pa.array(keys, pa.string())})
    if len(paths) and pc.max(pc.binary_length(table["path"])).as_py() >= discovery.PATH_MAX:
        return None  # discovery records a path too long for the readers as a problem
    key = pc.replace_substring_regex(table["stat_key"], pattern=_NS[0], replacement=_NS[1])
    return Listing(root, table.set_column(1, "stat_key", key))
