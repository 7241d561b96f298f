"""The CLI's inputs: each path given becomes the files it names, a folder read recursively as the pipeline reads its raw dir."""

import os
import stat

from nianbao import batch, discovery

NOT_FOUND = "NotFound"


def _problem(path: str, kind: str, message: str) -> batch.RawFile:
    """An entry that was not read: its error kind and message (no content hash)."""
    shown = discovery.readable(path)
    return batch.RawFile(shown, "", 0, "" if shown == path else path, kind, message)


def _error_kind(e: OSError) -> str:
    """Discovery's kind for an OSError met opening or reading a path."""
    return discovery.PERMISSION_DENIED if isinstance(e, PermissionError) else discovery.UNREADABLE


def expand(path: str) -> list[batch.RawFile]:
    """The entries one path stands for: a folder's entries in discovery order (hidden ones apart, links leaving
    it recorded, never read), or the file itself, hashed. Whatever cannot be read is an entry with its error kind.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        broken = os.path.islink(path)
        return [
            _problem(
                path,
                discovery.BROKEN_SYMLINK if broken else NOT_FOUND,
                "the symlink's target does not exist" if broken else "no such file or directory",
            )
        ]
    except OSError as e:
        return [_problem(path, _error_kind(e), f"cannot be read: {e.strerror}")]
    if stat.S_ISDIR(st.st_mode):
        return batch.scan(path)
    if not stat.S_ISREG(st.st_mode):
        return [_problem(path, discovery.NOT_A_FILE, "not a regular file (a device, FIFO or socket); not read")]
    try:
        sha = batch.sha256_file(path)
    except OSError as e:
        return [_problem(path, _error_kind(e), f"cannot be read: {e.strerror}")]
    shown = discovery.readable(path)
    return [batch.RawFile(shown, sha, st.st_size, "" if shown == path else path)]
