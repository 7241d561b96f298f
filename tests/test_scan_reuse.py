"""A scan reuses the hash of a file whose inode, size, mtime and ctime are unchanged, and reads every other file."""

import hashlib
import os
import time

from nianbao import batch, discovery


def known_of(files: list[batch.RawFile]) -> dict[str, str]:
    """stat_key -> sha256, as the ingest asset keeps it in raw.scan."""
    return {f.stat_key: f.sha256 for f in files if f.stat_key}


def counting_reads(monkeypatch) -> list[int]:
    """Count the files discovery opens and hashes."""
    reads: list[int] = []
    real = discovery._hash_fd

    def hash_fd(fd: int) -> str:
        reads.append(fd)
        return real(fd)

    monkeypatch.setattr(discovery, "_hash_fd", hash_fd)
    return reads


def test_unchanged_files_are_not_read_again(tmp_path, monkeypatch):
    for k in range(5):
        (tmp_path / f"r{k}.txt").write_text(f"报告 {k}\n", encoding="utf-8")
    reads = counting_reads(monkeypatch)
    first = batch.scan(tmp_path)
    assert len(reads) == 5 and all(f.stat_key for f in first)
    second = batch.scan(tmp_path, known_of(first))
    assert len(reads) == 5  # nothing read again
    assert [(f.path, f.sha256) for f in second] == [(f.path, f.sha256) for f in first]


def test_a_file_rewritten_with_its_old_size_and_mtime_is_read_again(tmp_path, monkeypatch):
    """Size and mtime can be forged (cp -p, touch -d); ctime cannot: the rewrite is hashed, not taken from the cache."""
    f = tmp_path / "report.txt"
    f.write_bytes(b"applications 12\n")
    first = batch.scan(tmp_path)
    st = f.stat()
    time.sleep(0.01)
    f.write_bytes(b"applications 13\n")  # same size
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))  # the old mtime put back
    reads = counting_reads(monkeypatch)
    (again,) = batch.scan(tmp_path, known_of(first))
    assert len(reads) == 1
    assert again.sha256 == hashlib.sha256(b"applications 13\n").hexdigest() != first[0].sha256


def test_a_new_file_beside_known_ones_is_the_only_one_read(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text("甲\n", encoding="utf-8")
    first = batch.scan(tmp_path)
    (tmp_path / "b.txt").write_text("乙\n", encoding="utf-8")
    reads = counting_reads(monkeypatch)
    second = batch.scan(tmp_path, known_of(first))
    assert len(reads) == 1
    assert {f.path.rsplit("/", 1)[1]: f.sha256 for f in second}["b.txt"] == hashlib.sha256("乙\n".encode()).hexdigest()
