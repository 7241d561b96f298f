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


def ingest(conn, raw, now) -> list[batch.RawFile]:
    """What the ingest asset does when find's listing stands in for the walk: read the files new or changed, write
    their rows. Returns the files read."""
    from assets import load
    from nianbao import listing

    listed = listing.list_files(raw)
    to_read, gone = load.scan_changes(conn, listed)
    files = batch.scan_files(raw, to_read)
    load.update_scan(conn, gone, files, now)
    return files


def scan_rows(conn) -> dict[str, tuple]:
    return {
        r[0]: r[1:]
        for r in conn.execute("select path, sha256, scan_seq, scanned_at, stat_key from raw.scan").fetchall()
    }


def test_an_incremental_scan_writes_only_the_rows_of_new_changed_and_gone_files(tmp_path):
    """raw.scan after each incremental ingest holds what a full scan holds; unchanged rows are not rewritten."""
    import datetime as dt

    import duckdb

    from assets import load

    raw = tmp_path / "raw"
    (raw / "sub").mkdir(parents=True)
    for k in range(4):
        (raw / ("sub" if k % 2 else "") / f"r{k}.txt").write_text(f"报告 {k}\n", encoding="utf-8")
    conn = duckdb.connect()
    load.prepare(conn)
    t1, t2 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC), dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
    assert len(ingest(conn, raw, t1)) == 4
    first = scan_rows(conn)
    full = {f.path: (f.sha256, f.stat_key) for f in batch.scan(raw)}
    assert {p: (r[0], r[3]) for p, r in first.items()} == full
    assert sorted(first, key=lambda p: first[p][1]) == [f.path for f in batch.scan(raw)]  # scan_seq: walk order

    (raw / "r0.txt").unlink()  # gone
    (raw / "sub" / "r1.txt").write_text("改写\n", encoding="utf-8")  # changed
    (raw / "sub" / "new.txt").write_text("新\n", encoding="utf-8")  # new
    read = ingest(conn, raw, t2)
    assert sorted(f.path.rsplit("/", 1)[1] for f in read) == ["new.txt", "r1.txt"]
    second = scan_rows(conn)
    assert {p: (r[0], r[3]) for p, r in second.items()} == {f.path: (f.sha256, f.stat_key) for f in batch.scan(raw)}
    assert second[f"{raw}/r2.txt"] == first[f"{raw}/r2.txt"]  # untouched: its scan_seq and scanned_at kept
    assert second[f"{raw}/sub/new.txt"][2] == t2 and min(r[1] for r in second.values()) >= 0
    assert len({r[1] for r in second.values()}) == len(second)  # scan_seq stays a key
    assert ingest(conn, raw, t2) == []  # nothing changed: nothing read, nothing written


def test_the_plan_in_the_warehouse_reads_only_new_contents_and_problems(tmp_path):
    """scan_to_parse: every path of a content not extracted at this parser version, and every problem entry."""
    import duckdb

    from assets import load

    conn = duckdb.connect()
    load.prepare(conn)
    files = [
        batch.RawFile("/r/a.txt", "a" * 64, 1),
        batch.RawFile("/r/b.txt", "b" * 64, 1),
        batch.RawFile("/r/b2.txt", "b" * 64, 1),
        batch.RawFile("/r/c.txt", "c" * 64, 1),
        batch.RawFile("/r/pipe", "d" * 64, 0, error_kind="NotARegularFile", error_message="not a regular file"),
    ]
    import datetime as dt

    load.write_scan(conn, files, dt.datetime.now(dt.UTC))
    conn.execute(
        "insert into raw.documents (sha256, path, parser_version, status, error_kind) values "
        "(?, '/r/a.txt', 'v1', 'ok', null), (?, '/r/c.txt', 'v1', 'error', 'Timeout'), (?, '/r/b.txt', 'v0', 'ok', null)",
        ["a" * 64, "c" * 64, "b" * 64],
    )
    todo, total = load.scan_to_parse(conn, "v1")
    assert total == 5
    assert [f.path for f in todo] == ["/r/b.txt", "/r/b2.txt", "/r/c.txt", "/r/pipe"]  # c: a run failure, retried
    plan = batch.plan(todo, ())
    assert [f.path for f in plan.to_parse] == ["/r/b.txt", "/r/c.txt", "/r/pipe"]
    # the same plan as over the whole scan with the cache of contents
    assert plan.to_parse == batch.plan(load.read_scan(conn), load.known_contents(conn, "v1")).to_parse


def test_a_hard_link_is_read_once_and_keeps_its_stat_key(tmp_path, monkeypatch):
    """Both names of one inode get the stat key (the next scan reuses the hash of each), the bytes are read once."""
    (tmp_path / "a.txt").write_text("甲\n", encoding="utf-8")
    os.link(tmp_path / "a.txt", tmp_path / "b.txt")
    reads = counting_reads(monkeypatch)
    first = batch.scan(tmp_path)
    assert len(reads) == 1 and [bool(f.stat_key) for f in first] == [True, True]
    assert batch.scan(tmp_path, known_of(first)) == first and len(reads) == 1


def test_a_problem_entry_gone_leaves_raw_scan_when_the_listing_takes_over(tmp_path):
    """A FIFO makes the ingest walk (the walk records it); once it is gone, find's listing serves and drops its row."""
    import datetime as dt

    import duckdb

    from assets import load
    from nianbao import listing

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("甲\n", encoding="utf-8")
    os.mkfifo(raw / "pipe")
    assert listing.list_files(raw) is None  # the walk records the FIFO
    conn = duckdb.connect()
    load.prepare(conn)
    load.write_scan(conn, batch.scan(raw), dt.datetime.now(dt.UTC))
    assert conn.execute("select count(*), count(error_kind) from raw.scan").fetchone() == (2, 1)
    (raw / "pipe").unlink()
    assert ingest(conn, raw, dt.datetime.now(dt.UTC)) == []  # a.txt is known: nothing read
    assert conn.execute("select path, error_kind from raw.scan").fetchall() == [(f"{raw}/a.txt", None)]
