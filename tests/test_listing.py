"""find(1)'s listing stands in for discovery's walk only when it finds the same files: else the caller walks."""

import os
from pathlib import Path

import pytest

from nianbao import batch, discovery, listing


def tree(raw: Path) -> None:
    """Folders whose names sort around '/' ('a' < 'a-b' < 'a0'), files beside folders, hidden entries, Chinese names."""
    for folder in ("", "a", "a-b", "a0", "a/sub", "a/sub/深", "年度"):
        (raw / folder).mkdir(parents=True, exist_ok=True)
        for name in ("z.txt", "b.html", "报告.pdf"):
            (raw / folder / name).write_text(f"{folder}/{name}\n", encoding="utf-8")
    (raw / ".hidden.txt").write_text("skipped")
    (raw / ".git").mkdir()
    (raw / ".git" / "HEAD").write_text("skipped")
    (raw / "empty").mkdir()


def test_the_listing_finds_what_the_walk_finds_in_its_order_with_its_stat_keys(tmp_path):
    raw = tmp_path / "raw"
    tree(raw)
    listed = listing.list_files(raw)
    walked = list(discovery.walk(raw, read=False))
    assert len(walked) == 21  # 7 folders × 3 files; hidden entries skipped by both
    rows = listed.files.to_pylist()
    assert sorted((r["path"] for r in rows), key=listing.discovery_order) == [e.path for e in walked]
    for r in rows:
        assert r["stat_key"] == discovery.stat_key(os.stat(r["path"], follow_symlinks=False))


def test_a_trailing_slash_or_a_linked_raw_dir_lists_the_same_paths(tmp_path):
    raw = tmp_path / "raw"
    tree(raw)
    (tmp_path / "link").symlink_to(raw, target_is_directory=True)
    via_link = listing.list_files(tmp_path / "link")
    assert via_link is not None and via_link.files.num_rows == 21
    assert {p.as_py() for p in via_link.files["path"]} == {e.path for e in discovery.walk(tmp_path / "link")}
    assert listing.list_files(f"{raw}/").files["path"].to_pylist() == listing.list_files(raw).files["path"].to_pylist()


@pytest.mark.parametrize("odd", ["symlink", "fifo", "gbk_name", "unreadable_folder"])
def test_any_odd_entry_gives_way_to_the_walk(tmp_path, odd):
    raw = tmp_path / "raw"
    tree(raw)
    if odd == "symlink":
        (raw / "alias.txt").symlink_to(raw / "z.txt")
    elif odd == "fifo":
        os.mkfifo(raw / "a" / "pipe")
    elif odd == "gbk_name":
        with open(os.path.join(os.fsencode(str(raw)), "年度报告".encode("gbk") + b".txt"), "wb") as f:
            f.write(b"x")
    else:
        if os.geteuid() == 0:
            pytest.skip("root reads every folder")
        (raw / "a").chmod(0)
    try:
        assert listing.list_files(raw) is None
    finally:
        (raw / "a").chmod(0o755)


def test_no_raw_dir_gives_way_to_the_walk(tmp_path):
    assert listing.list_files(tmp_path / "nowhere") is None
    assert batch.scan(tmp_path / "nowhere") == []


def test_files_read_from_the_listing_are_what_the_walk_reads(tmp_path):
    raw = tmp_path / "raw"
    tree(raw)
    paths = sorted(listing.list_files(raw).files["path"].to_pylist(), key=listing.discovery_order)
    assert batch.scan_files(raw, paths) == batch.scan(raw)


def test_a_file_gone_or_replaced_since_it_was_listed_is_a_problem_retried_next_run(tmp_path):
    raw = tmp_path / "raw"
    tree(raw)
    paths = sorted(listing.list_files(raw).files["path"].to_pylist(), key=listing.discovery_order)
    (raw / "z.txt").unlink()
    (raw / "a" / "b.html").unlink()
    (raw / "a" / "b.html").mkdir()
    files = {f.path: f for f in batch.scan_files(raw, paths)}
    assert files[f"{raw}/z.txt"].error_kind == discovery.UNREADABLE
    assert files[f"{raw}/a/b.html"].error_kind == discovery.CHANGED
    assert {files[f"{raw}/z.txt"].error_kind, files[f"{raw}/a/b.html"].error_kind} <= batch.TRANSIENT_ERRORS
    assert sum(1 for f in files.values() if not f.error_kind) == 19
