"""Discovery accounts for every entry: odd names, long paths, symlinks, FIFOs; the independent walk sees them all."""

import hashlib
import os
from pathlib import Path

import pytest
from faults_support import GBK_NAME, deep_file, odd_entries

from assets import contracts
from nianbao import batch, discovery, raw_fingerprint


@pytest.fixture
def raw(tmp_path):
    return tmp_path / "raw"


def by_path(files):
    return {f.path: f for f in files}


def test_every_odd_entry_is_a_document_or_a_clear_problem(raw, tmp_path):
    expected = odd_entries(raw, tmp_path / "outside")
    files = by_path(batch.scan(raw))
    for path, kind in expected.items():
        assert path in files, path
        assert files[path].error_kind == kind, (path, files[path])
        if kind:
            assert files[path].error_message and len(files[path].sha256) == 64
    long = [f for f in files.values() if "/long/" in f.path]
    assert len(long) == 1 and long[0].error_kind == "PathTooLong" and len(os.fsencode(long[0].open_path)) > 4096
    assert set(files) == set(expected) | {long[0].path}


def test_non_utf8_name_is_stored_faithfully_and_shown_readably(raw):
    raw.mkdir()
    with open(os.path.join(os.fsencode(str(raw)), GBK_NAME), "wb") as f:
        f.write(b"content")
    (f,) = batch.scan(raw)
    assert f.path == f"{raw}/年度报告.txt"  # readable: decoded as GB18030
    assert f.path.encode("utf-8")  # storable: valid Unicode
    assert os.fsencode(f.open_path) == os.fsencode(str(raw)) + b"/" + GBK_NAME  # opens the file
    assert bytes.fromhex(f.path_hex) == os.fsencode(f.open_path)  # the bytes, faithfully
    assert f.sha256 == hashlib.sha256(b"content").hexdigest()
    assert discovery.readable(b"/a/\xff\xfe.txt") == "/a/\\xff\\xfe.txt"  # neither UTF-8 nor GB18030: escaped


def test_links_outside_are_never_read_and_links_inside_are_read_once(raw, tmp_path, monkeypatch):
    raw.mkdir()
    (raw / "passwd").symlink_to("/etc/passwd")
    (raw / "a.txt").write_bytes(b"report")
    (raw / "b.txt").symlink_to(raw / "a.txt")
    opened = []
    real = discovery._hash_fd
    monkeypatch.setattr(discovery, "_hash_fd", lambda fd: opened.append(fd) or real(fd))
    files = by_path(batch.scan(raw))
    assert files[f"{raw}/passwd"].error_kind == "OutsideRawDir"
    assert "/etc/passwd" in files[f"{raw}/passwd"].error_message
    assert files[f"{raw}/passwd"].sha256 != hashlib.sha256(Path("/etc/passwd").read_bytes()).hexdigest()
    assert files[f"{raw}/b.txt"].sha256 == files[f"{raw}/a.txt"].sha256 == hashlib.sha256(b"report").hexdigest()
    assert len(opened) == 1  # the content was read once
    # and an alias is parsed once: the plan sends one path per content
    assert len(batch.plan(files.values(), {}).to_parse) == 2  # a.txt, and the passwd link recorded as a problem


def test_unreadable_entry_is_recorded_again_every_run_never_cached(raw):
    raw.mkdir()
    (raw / "loop").symlink_to(raw / "loop")
    files = batch.scan(raw)
    cache = {files[0].sha256: {"error_kind": "SymlinkLoop", "status": "error"}}
    assert [f.path for f in batch.plan(files, cache).to_parse] == [f"{raw}/loop"]
    ex = batch.extract(files, lambda paths, **kw: iter(()))  # no worker is asked for an entry that was not read
    assert ex[0]["status"] == "error" and ex[0]["error"]["kind"] == "SymlinkLoop"


def test_independent_walk_sees_every_entry_and_the_contract_can_fail(raw, tmp_path):
    odd_entries(raw, tmp_path / "outside")
    entries = contracts.independent_entries(raw)
    recorded = {f.path for f in batch.scan(raw)}
    assert any("/long/" in p for p in entries)  # find walks past PATH_MAX
    assert f"{raw}/gbk/年度报告.txt" in entries and entries[f"{raw}/pipe"] == "p"
    assert contracts.missing(entries, recorded) == []
    dropped = {p for p in recorded if not p.endswith("年度报告.txt")}  # what os.walk + str paths used to lose
    assert contracts.missing(entries, dropped) == [f"{raw}/gbk/年度报告.txt"]


def test_fingerprint_sees_odd_entries(raw):
    raw.mkdir()
    (raw / "a.txt").write_bytes(b"a")
    before = raw_fingerprint.fingerprint(raw)
    (raw / "loop").symlink_to(raw / "loop")
    assert raw_fingerprint.fingerprint(raw) != before
    deep = before = raw_fingerprint.fingerprint(raw)
    deep_file(raw, b"x", levels=17)
    assert raw_fingerprint.fingerprint(raw) != deep
    assert [p.name for p in batch.iter_files(raw)] == ["a.txt"]  # what a path can name (expectations stat these)
