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
import tempfile
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
    would find (see the module's docstring): the caller then walks. The listing is parsed as find writes it."""
    root = str(Path(raw_dir))
    if not os.path.isdir(root):
        return None
    paths: list[str] = []
    keys: list[str] = []
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(["find", "-H", os.fsencode(root), *FIND], stdout=subprocess.PIPE, stderr=errors)
        complete = False
        try:
            complete = _parse(proc.stdout, paths, keys)
        finally:
            if not complete:  # no need to list the rest
                proc.kill()
            proc.stdout.close()
            code = proc.wait()
        errors.seek(0)
        if not complete or code != 0 or errors.read(1):
            return None  # an odd entry, an unreadable folder, an entry gone while listed: discovery records them
    table = pa.table({"path": pa.array(paths, pa.string()), "stat_key": pa.array(keys, pa.string())})
    if len(paths) and pc.max(pc.binary_length(table["path"])).as_py() >= discovery.PATH_MAX:
        return None  # discovery records a path too long for the readers as a problem
    key = pc.replace_substring_regex(table["stat_key"], pattern=_NS[0], replacement=_NS[1])
    return Listing(root, table.set_column(1, "stat_key", key))


def _parse(stream, paths: list[str], keys: list[str]) -> bool:
    """Append find's records (FIND) to paths and keys as they arrive; False at the first one discovery must see (not
    a regular file or a folder, or a name that is not UTF-8)."""
    rest = b""
    while chunk := stream.read1(1 << 20):
        head, _, rest = (rest + chunk).rpartition(b"\0")
        if not head:
            continue
        try:
            text = head.decode("utf-8")
        except UnicodeDecodeError:
            return False  # a name that is not UTF-8: discovery keeps its bytes (path_hex)
        for record in text.split("\0"):
            kind, key, path = record.split("\t", 2)
            if kind == "f":
                paths.append(path)
                keys.append(key)
            elif kind != "d":
                return False  # a symlink, a FIFO, a socket, a device: discovery records it
    return not rest
