"""The BI snapshot updated in place: after a delta publish it equals the marts, table for table."""

import datetime as dt
import subprocess
import sys

import duckdb

from assets.snapshot import file_identity, publish, spare_path

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
T1 = T0 + dt.timedelta(hours=1)


def tables(path, schema="marts") -> dict[str, list[tuple]]:
    with duckdb.connect(str(path), read_only=True) as con:
        names = [
            t
            for (t,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = ? order by 1", [schema]
            ).fetchall()
        ]
        return {t: con.execute(f"select * from {schema}.{t} order by all").fetchall() for t in names}


def test_delta_publish_replaces_the_rebuilt_reports_rows(tmp_path):
    wh, bi = tmp_path / "warehouse.duckdb", tmp_path / "bi" / "nianbao.duckdb"
    with duckdb.connect(str(wh)) as con:
        con.execute("create schema marts; create schema state; create schema audit")
        con.execute(
            "create table marts.fct_report_figures as select * from (values ('a', 1.0::double), ('a', 2.0), "
            "('b', 3.0), ('c', 4.0)) t(report_id, value)"
        )
        con.execute("create table marts.dim_agencies as select * from (values ('x', 'X')) t(agency_id, name)")
        con.execute(
            "create table marts.dim_report_files as select * from (values ('a', 'a.txt'), ('b', 'b.txt')) "
            "t(source_sha256, source_path)"
        )
        con.execute("create table audit.gx_results as select 1 as n")
        con.execute(
            "create table state.mart_state__reports as select * from (values ('a', ?::timestamptz), "
            "('b', ?::timestamptz), ('c', ?::timestamptz)) t(report_id, built_through)",
            [T0, T0, T0],
        )
    publish(wh, bi)
    assert tables(bi) == tables(wh)

    with duckdb.connect(str(wh)) as con:  # a build after T0 rewrote b (changed), removed c, added d and a body
        con.execute("delete from marts.fct_report_figures where report_id in ('b', 'c')")
        con.execute("insert into marts.fct_report_figures values ('b', 30.0), ('d', 5.0)")
        con.execute("insert into marts.dim_agencies values ('y', 'Y')")
        con.execute("delete from marts.dim_report_files where source_sha256 = 'b'")
        con.execute("update state.mart_state__reports set built_through = ? where report_id in ('b', 'c')", [T1])
        con.execute("insert into state.mart_state__reports values ('d', ?)", [T1])
        con.execute("insert into audit.gx_results values (2)")
    counts = publish(wh, bi, since=T0)
    assert tables(bi) == tables(wh)
    assert tables(bi, "audit") == {}  # the audit history is published apart (bi/gx_audit.duckdb), not in the snapshot
    assert counts["marts.fct_report_figures"] == 4
    assert tables(bi)["fct_report_figures"] == [("a", 1.0), ("a", 2.0), ("b", 30.0), ("d", 5.0)]


def comments(path, schema="marts") -> dict:
    with duckdb.connect(str(path), read_only=True) as con:
        out = {
            (t, None): c
            for t, c in con.execute(
                "select table_name, comment from duckdb_tables() where schema_name = ?", [schema]
            ).fetchall()
        }
        out.update(
            {
                (t, col): c
                for t, col, c in con.execute(
                    "select table_name, column_name, comment from duckdb_columns() where schema_name = ?", [schema]
                ).fetchall()
            }
        )
        return out


def test_the_snapshot_keeps_the_marts_comments_whole_and_in_place(tmp_path):
    wh, bi = tmp_path / "warehouse.duckdb", tmp_path / "bi" / "nianbao.duckdb"
    with duckdb.connect(str(wh)) as con:
        con.execute("create schema marts; create schema state")
        con.execute(
            "create table marts.dim_report_files as select * from (values ('a', 'a.txt')) t(source_sha256, source_path)"
        )
        con.execute("comment on table marts.dim_report_files is '年报文件表 — one row per file'")
        con.execute("comment on column marts.dim_report_files.source_path is '文件路径 — it''s relative'")
        con.execute(
            "create table state.mart_state__reports as select * from (values ('a', ?::timestamptz)) "
            "t(report_id, built_through)",
            [T0],
        )
    publish(wh, bi)  # whole: CREATE TABLE AS, which copies no comment by itself
    got = comments(bi)
    assert got == comments(wh)
    assert got[("dim_report_files", None)] == "年报文件表 — one row per file"
    assert got[("dim_report_files", "source_path")] == "文件路径 — it's relative"
    with duckdb.connect(str(wh)) as con:  # the descriptions changed: a delta publish must not keep the old ones
        con.execute("comment on column marts.dim_report_files.source_path is '文件路径 — changed'")
        con.execute("comment on column marts.dim_report_files.source_sha256 is '文件哈希'")
    publish(wh, bi, since=T0)
    assert comments(bi) == comments(wh)
    assert comments(bi)[("dim_report_files", "source_path")] == "文件路径 — changed"


def build_warehouse(wh):
    """Marts of three reports a, b, c built at T0."""
    with duckdb.connect(str(wh)) as con:
        con.execute("create schema marts; create schema state")
        con.execute(
            "create table marts.fct_report_figures as select * from (values ('a', 1.0::double), ('b', 3.0), "
            "('c', 4.0)) t(report_id, value)"
        )
        con.execute(
            "create table state.mart_state__reports as select * from (values ('a', ?::timestamptz), "
            "('b', ?::timestamptz), ('c', ?::timestamptz)) t(report_id, built_through)",
            [T0, T0, T0],
        )


def rebuild(wh, report_id, value, at):
    """A build at `at` rewrote one report's rows."""
    with duckdb.connect(str(wh)) as con:
        con.execute("delete from marts.fct_report_figures where report_id = ?", [report_id])
        con.execute("insert into marts.fct_report_figures values (?, ?)", [report_id, value])
        con.execute("update state.mart_state__reports set built_through = ? where report_id = ?", [at, report_id])


READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
for _ in sys.stdin:
    print(con.execute("select value from marts.fct_report_figures where report_id = 'c'").fetchone()[0], flush=True)
"""


class Reader:
    """A BI user in another process holding the snapshot open (DuckDB shares a file's instance within a process)."""

    def __init__(self, path):
        self.proc = subprocess.Popen(
            [sys.executable, "-c", READER, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def value_of_c(self) -> float:
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()
        return float(self.proc.stdout.readline())

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(30)


def test_the_spare_is_updated_in_place_and_swapped_in_while_readers_keep_their_file(tmp_path):
    wh, bi = tmp_path / "warehouse.duckdb", tmp_path / "bi" / "nianbao.duckdb"
    spare = spare_path(bi)
    build_warehouse(wh)
    publish(wh, bi)  # the first snapshot: no spare yet
    assert not spare.exists()
    first = file_identity(bi)
    rebuild(wh, "b", 30.0, T1)
    publish(wh, bi, since=T0)  # no spare known: a copy; the replaced snapshot becomes the spare
    assert file_identity(spare) == first and tables(spare) != tables(wh)
    second = file_identity(bi)
    reader = Reader(bi)  # a BI user on the snapshot of T1
    assert reader.value_of_c() == 4.0
    T2 = T1 + dt.timedelta(hours=1)
    rebuild(wh, "c", 40.0, T2)
    publish(wh, bi, since=T1, spare_since=T0)  # the spare (T0) gets the rows rebuilt after T0 and is swapped in
    assert tables(bi) == tables(wh)
    assert file_identity(bi)[0] == first[0]  # the spare's inode: nothing was copied
    assert file_identity(spare) == second  # the snapshot the reader holds is the next spare, untouched
    assert reader.value_of_c() == 4.0
    T3 = T2 + dt.timedelta(hours=1)
    rebuild(wh, "a", 10.0, T3)
    publish(wh, bi, since=T2, spare_since=T1)  # the reader holds the spare: it is left alone, the snapshot is copied
    assert tables(bi) == tables(wh)
    assert reader.value_of_c() == 4.0
    assert file_identity(spare)[0] == first[0]  # the replaced snapshot is the spare; the reader's file left the bi dir
    reader.close()
    assert (
        not list(bi.parent.glob("*.wal")) and not list(bi.parent.glob("*.tmp")) and not list(bi.parent.glob("*.kept"))
    )


def test_runs_that_add_and_remove_reports_publish_the_marts_through_the_spare(tmp_path, monkeypatch):
    from pipeline_support import make_pipeline

    p = make_pipeline(tmp_path / "home", monkeypatch)
    files = sorted(f for f in p.raw.iterdir() if f.is_file())
    held = files[0]
    held_bytes = held.read_bytes()
    held.unlink()
    assert p.run().success  # the first snapshot, whole
    first = file_identity(p.snapshot)
    held.write_bytes(held_bytes)
    assert p.run().success  # a copy updated with the new report's rows; the first snapshot becomes the spare
    assert file_identity(spare_path(p.snapshot)) == first
    files[1].unlink()
    assert p.run().success  # the spare brought up to date in place and swapped in
    assert file_identity(p.snapshot)[0] == first[0]
    assert tables(p.snapshot) == tables(p.warehouse)  # every marts table, coverage marts (by body) included
    assert {"dim_expected_bodies", "rpt_publication_status", "fct_report_figures"} <= set(tables(p.snapshot))
