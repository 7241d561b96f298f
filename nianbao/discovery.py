"""Discovery: every entry under the raw dir becomes a file to read or a recorded problem; nothing is skipped silently.

The walk holds a directory fd per level and opens each child relative to it (`dir_fd`), so paths longer than
PATH_MAX, names in any encoding, unreadable folders, symlink loops and links that leave the raw dir are all met
and recorded. Names are kept as the bytes the file system gave (`fs_path`, a surrogateescape str that opens the
file) and shown readably (`path`: UTF-8, else GB18030, else backslash escapes; `path_hex` then keeps the bytes).

Symlinks: a link resolving inside the raw dir is an alias, recorded at its own path with its target's content,
which is read once (contents are cached by inode); a link leaving the raw dir is recorded as `OutsideRawDir` and
never read. Hidden entries (names starting with '.') are skipped by design, as the README says.
"""

import errno
import hashlib
import os
import stat
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

CHUNK = 1 << 20
PATH_MAX = os.pathconf("/", "PC_PATH_MAX") if hasattr(os, "pathconf") else 4096
# problems of the entry itself (recorded every run, retried every run: discovery meets them again)
PERMISSION_DENIED = "PermissionDenied"
PATH_TOO_LONG = "PathTooLong"
SYMLINK_LOOP = "SymlinkLoop"
BROKEN_SYMLINK = "BrokenSymlink"
OUTSIDE_RAW_DIR = "OutsideRawDir"
NOT_A_FILE = "NotARegularFile"
CHANGED = "ChangedDuringRun"
UNREADABLE = "Unreadable"
TOO_DEEP = "TooDeep"
ENTRY_KINDS = frozenset(
    {
        PERMISSION_DENIED,
        PATH_TOO_LONG,
        SYMLINK_LOOP,
        BROKEN_SYMLINK,
        OUTSIDE_RAW_DIR,
        NOT_A_FILE,
        CHANGED,
        UNREADABLE,
        TOO_DEEP,
    }
)
_O_DIR = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
_O_FILE = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry met under the raw dir: a regular file (kind 'file') or a problem (an error kind and a message)."""

    path: str  # readable (valid Unicode): what the warehouse records
    fs_path: str  # the file system's bytes as a surrogateescape str: what opens the file
    kind: str  # 'file', or one of ENTRY_KINDS
    message: str = ""
    size: int = 0
    mtime_ns: int = 0
    sha256: str | None = None  # content hash, when the entry was read
    stat_key: str = ""  # device, inode, size, mtime and ctime of a file: the same key, the same bytes

    @property
    def path_hex(self) -> str | None:
        """Hex of the path's bytes when they are not UTF-8 (the readable path is then a decoding), else None."""
        raw = os.fsencode(self.fs_path)
        try:
            raw.decode("utf-8")
            return None
        except UnicodeDecodeError:
            return raw.hex()


def readable(fs_path: str | bytes) -> str:
    """A path shown readably: each component as UTF-8, else GB18030 (Chinese names from Windows), else escaped."""
    raw = os.fsencode(fs_path)
    try:  # the common case: the whole path is UTF-8 (then so is each component)
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    parts = []
    for part in raw.split(b"/"):
        for codec in ("utf-8", "gb18030"):
            try:
                parts.append(part.decode(codec))
                break
            except UnicodeDecodeError:
                continue
        else:
            parts.append(part.decode("utf-8", "backslashreplace"))
    return "/".join(parts)


def entry_sha256(fs_path: str) -> str:
    """The key of an entry whose bytes were not read: sha256 of a label and the path's bytes (not a content hash)."""
    return hashlib.sha256(b"nianbao:unread-entry\0" + os.fsencode(fs_path)).hexdigest()


def _problem(fs_path: str, kind: str, message: str, st: os.stat_result | None = None) -> Entry:
    return Entry(readable(fs_path), fs_path, kind, message, st.st_size if st else 0, st.st_mtime_ns if st else 0)


def _hash_fd(fd: int) -> str:
    h = hashlib.sha256()
    while chunk := os.read(fd, CHUNK):
        h.update(chunk)
    return h.hexdigest()


def _inside(real: str, root_real: str) -> bool:
    return real == root_real or real.startswith(root_real.rstrip("/") + "/")


class _Walker:
    """One walk of a raw dir (hashing optional); state: the inode cache and the real directories being walked."""

    def __init__(self, root: Path, read: bool, known: Mapping[str, str] | None = None):
        self.root = root
        self.root_real = os.path.realpath(root)
        self.read = read
        self.hashes: dict[tuple[int, int, int, int], tuple[str, str]] = {}
        self.known = known or {}

    def walk(self) -> Iterator[Entry]:
        try:
            fd = os.open(self.root, _O_DIR)
        except OSError:
            return  # no raw dir, no entries (settings may point at a folder not created yet)
        st = os.fstat(fd)
        yield from self._dir(fd, str(self.root), {(st.st_dev, st.st_ino)})

    def _dir(self, dfd: int, fs_dir: str, ancestors: set) -> Iterator[Entry]:
        """Entries of one open directory (files first, then folders, each sorted); closes dfd."""
        try:
            try:
                names = sorted(n for n in os.listdir(dfd) if not n.startswith("."))
            except OSError as e:
                yield self._dir_error(fs_dir, e)
                return
            folders = []
            for name in names:
                fs_path = f"{fs_dir}/{name}"
                try:
                    st = os.stat(name, dir_fd=dfd, follow_symlinks=False)
                except OSError as e:
                    yield _problem(
                        fs_path,
                        PERMISSION_DENIED if isinstance(e, PermissionError) else UNREADABLE,
                        f"{type(e).__name__}: {e.strerror}",
                    )
                    continue
                if stat.S_ISDIR(st.st_mode):
                    folders.append((name, fs_path, st, False))
                elif stat.S_ISLNK(st.st_mode):
                    link = self._link(dfd, name, fs_path, st, ancestors)
                    if isinstance(link, Entry):
                        yield link
                    elif link is not None and stat.S_ISDIR(link.st_mode):
                        folders.append((name, fs_path, link, True))
                    elif link is not None:
                        yield self._file(dfd, name, fs_path, link, follow=True)
                elif stat.S_ISREG(st.st_mode):
                    yield self._file(dfd, name, fs_path, st, follow=False)
                else:
                    yield _problem(fs_path, NOT_A_FILE, "not a regular file (a device, FIFO or socket); not read", st)
            for name, fs_path, st, via_link in folders:
                key = (st.st_dev, st.st_ino)
                if key in ancestors:
                    yield _problem(fs_path, SYMLINK_LOOP, "the folder contains itself through a symlink; not walked")
                    continue
                try:
                    sub = os.open(name, _O_DIR | (0 if via_link else _NOFOLLOW), dir_fd=dfd)
                except OSError as e:
                    yield self._dir_error(fs_path, e)
                    continue
                now = os.fstat(sub)
                if (now.st_dev, now.st_ino) != key:
                    os.close(sub)
                    yield _problem(fs_path, CHANGED, "the folder was replaced while it was walked")
                    continue
                yield from self._dir(sub, fs_path, ancestors | {key})
        finally:
            os.close(dfd)

    def _dir_error(self, fs_path: str, e: OSError) -> Entry:
        if isinstance(e, PermissionError):
            return _problem(
                fs_path, PERMISSION_DENIED, f"the folder cannot be read ({e.strerror}); its files are unknown"
            )
        if e.errno in (errno.EMFILE, errno.ENFILE):  # one open fd per level: too many
            return _problem(fs_path, TOO_DEEP, f"the folder is nested too deeply to walk ({e.strerror})")
        return _problem(fs_path, UNREADABLE, f"the folder cannot be read: {type(e).__name__}: {e.strerror}")

    def _link(self, dfd: int, name: str, fs_path: str, lst: os.stat_result, ancestors: set):
        """A symlink: a problem Entry, or the target's stat when it resolves inside the raw dir (read as an alias)."""
        try:
            target = os.readlink(name, dir_fd=dfd)
        except OSError as e:
            return _problem(fs_path, UNREADABLE, f"the symlink cannot be read: {e.strerror}", lst)
        if len(os.fsencode(fs_path)) >= PATH_MAX:
            return _problem(
                fs_path,
                PATH_TOO_LONG,
                f"a symlink ({len(os.fsencode(fs_path))} bytes, over PATH_MAX "
                f"{PATH_MAX}) to {readable(target)}; not followed",
                lst,
            )
        try:
            st = os.stat(name, dir_fd=dfd)
        except OSError as e:
            if e.errno == errno.ELOOP:
                return _problem(fs_path, SYMLINK_LOOP, f"a symlink loop ({readable(target)}); not followed", lst)
            if isinstance(e, FileNotFoundError):
                return _problem(fs_path, BROKEN_SYMLINK, f"the symlink's target {readable(target)} does not exist", lst)
            return _problem(
                fs_path,
                PERMISSION_DENIED if isinstance(e, PermissionError) else UNREADABLE,
                f"the symlink's target {readable(target)} cannot be read: {e.strerror}",
                lst,
            )
        real = os.path.realpath(fs_path)
        if not _inside(real, self.root_real):
            return _problem(
                fs_path, OUTSIDE_RAW_DIR, f"a symlink to {readable(real)}, outside the raw dir; not read", lst
            )
        if stat.S_ISDIR(st.st_mode) and (st.st_dev, st.st_ino) in ancestors:
            return _problem(fs_path, SYMLINK_LOOP, f"a symlink to its own ancestor {readable(real)}; not followed", lst)
        if not stat.S_ISDIR(st.st_mode) and not stat.S_ISREG(st.st_mode):
            return _problem(fs_path, NOT_A_FILE, f"a symlink to {readable(real)}, not a regular file; not read", lst)
        return st

    def _file(self, dfd: int, name: str, fs_path: str, st: os.stat_result, follow: bool) -> Entry:
        """A regular file (or a link to one inside the raw dir): hashed through dir_fd when reading."""
        if len(os.fsencode(fs_path)) >= PATH_MAX:
            return _problem(
                fs_path,
                PATH_TOO_LONG,
                f"the path is {len(os.fsencode(fs_path))} bytes, over PATH_MAX "
                f"({PATH_MAX}): the readers cannot open it; shorten it",
                st,
            )
        if not self.read:
            return Entry(readable(fs_path), fs_path, "file", "", st.st_size, st.st_mtime_ns)
        known = self.known.get(stat_key(st))
        if known is not None:  # the same inode, size, mtime and ctime as when it was hashed: not read again
            return Entry(readable(fs_path), fs_path, "file", "", st.st_size, st.st_mtime_ns, known, stat_key(st))
        key = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
        if key in self.hashes:  # a link inside the raw dir (or a hard link) to a file already read: read once
            sha, read_key = self.hashes[key]  # its stat key too, when the file is as it was when read
            same = stat_key(st) if stat_key(st) == read_key else ""
            return Entry(readable(fs_path), fs_path, "file", "", st.st_size, st.st_mtime_ns, sha, same)
        try:
            fd = os.open(name, _O_FILE | (0 if follow else _NOFOLLOW), dir_fd=dfd)
        except OSError as e:
            kind = PERMISSION_DENIED if isinstance(e, PermissionError) else UNREADABLE
            return _problem(fs_path, kind, f"the file cannot be opened: {type(e).__name__}: {e.strerror}", st)
        try:
            now = os.fstat(fd)
            if not stat.S_ISREG(now.st_mode) or (now.st_dev, now.st_ino) != (st.st_dev, st.st_ino):
                return _problem(fs_path, CHANGED, "the file was replaced while it was discovered", st)
            sha = _hash_fd(fd)
            after = os.fstat(fd)
        except OSError as e:
            return _problem(fs_path, UNREADABLE, f"the file cannot be read: {type(e).__name__}: {e.strerror}", st)
        finally:
            os.close(fd)
        # no key when it was written to while it was read (the next scan reads it again)
        key_now = stat_key(now) if stat_key(after) == stat_key(now) else ""
        self.hashes[key] = (sha, key_now)
        return Entry(readable(fs_path), fs_path, "file", "", now.st_size, now.st_mtime_ns, sha, key_now)


def stat_key(st: os.stat_result) -> str:
    """Device, inode, size, mtime and ctime of a file. The kernel sets ctime on every write (no one can set it back),
    so a file whose key is unchanged since it was hashed holds the same bytes."""
    return f"{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}"


def read_files(raw_dir: str | os.PathLike, fs_paths: Iterable[str]) -> Iterator[Entry]:
    """The entries of some regular files under raw_dir (listed by find: nianbao.listing), read and hashed as walk()
    reads a file, in the order given. A file gone or no longer a regular file since it was listed is a problem
    (Unreadable, ChangedDuringRun): retried on the next run, as walk() records what changes under it."""
    walker = _Walker(Path(raw_dir), True)
    dfd, folder, folder_error = -1, None, None
    try:
        for fs_path in fs_paths:
            parent, _, name = fs_path.rpartition("/")
            if parent != folder:  # (files come folder by folder: one open folder at a time)
                if dfd >= 0:
                    os.close(dfd)
                dfd, folder, folder_error = -1, parent, None
                try:
                    dfd = os.open(parent, _O_DIR)
                except OSError as e:
                    folder_error = e
            if folder_error is not None:
                yield walker._dir_error(fs_path, folder_error)
                continue
            try:
                st = os.stat(name, dir_fd=dfd, follow_symlinks=False)
            except OSError as e:
                kind = PERMISSION_DENIED if isinstance(e, PermissionError) else UNREADABLE
                yield _problem(fs_path, kind, f"{type(e).__name__}: {e.strerror}")
                continue
            if stat.S_ISREG(st.st_mode):
                yield walker._file(dfd, name, fs_path, st, follow=False)
            else:
                yield _problem(fs_path, CHANGED, "the file was replaced while it was discovered", st)
    finally:
        if dfd >= 0:
            os.close(dfd)


def walk(raw_dir: str | os.PathLike, read: bool = True, known: Mapping[str, str] | None = None) -> Iterator[Entry]:
    """Every entry under raw_dir (hidden ones apart), in order: each folder's files sorted, then its folders.

    With read=False nothing is opened but folders (sizes and mtimes only: the sensor's fingerprint). `known` maps
    a stat_key to the sha256 an earlier scan read for it: such a file is not read again.
    """
    yield from _Walker(Path(raw_dir), read, known).walk()
