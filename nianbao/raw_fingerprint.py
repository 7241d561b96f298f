"""The raw dir's fingerprint: a sha256 of find(1)'s listing of every entry (kind, size, mtime, path; nothing read)."""

import hashlib
import os
import subprocess
import threading
from collections.abc import Callable

# every entry but the root, links not followed; find never stops on an unreadable folder (it says so on stderr)
LISTING = ("-mindepth", "1", "-printf", r"%y\t%s\t%T@\t%p\0")


def start(raw_dir: str | os.PathLike) -> Callable[[], str]:
    """Start the listing in a find(1) process and hash it as it streams; the returned callable waits for the digest.

    A run starts it first thing, so that the walk of a national raw dir overlaps the run's imports."""
    h = hashlib.sha256()
    if not os.path.isdir(raw_dir):
        return h.hexdigest
    proc = subprocess.Popen(["find", os.fsencode(raw_dir), *LISTING], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def consume() -> None:
        while chunk := proc.stdout.read(1 << 20):
            h.update(chunk)
        proc.wait()

    reader = threading.Thread(target=consume, name="raw-fingerprint", daemon=True)
    reader.start()

    def digest() -> str:
        reader.join()
        return h.hexdigest()

    return digest


def fingerprint(raw_dir: str | os.PathLike) -> str:
    """The fingerprint now: changes when entries appear, go, or change size or modification time."""
    return start(raw_dir)()
