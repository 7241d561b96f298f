"""The whole graph on the real stack over the sample corpus: raw files -> marts -> checks -> BI snapshot."""

# Tests in this module run in order on one warehouse (a full run costs about a minute on 2 cores): build,
# compare with the CLI and the truth, then a run under an open BI reader, then a run with a publisher's negative count (a finding, published).

import hashlib
import json
import re
import subprocess
import sys
import textwrap

import duckdb
import pytest
from pipeline_support import ROOT, check_results, failed_error_checks, make_pipeline, materialized

CJK_FIRST = re.compile(r"[\u4e00-\u9fff]")  # a comment opens with its Chinese label
FIGURE_COLUMNS = (
    "table_code",
    "row_code",
    "column_code",
    "value",
    "raw_text",
    "is_approximate",
    "page",
    "table_index",
    "row_index",
    "column_index",
    "char_start",
    "char_end",
)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One full run into a temp NIANBAO_HOME over a copy of the sample corpus."""
    mp = pytest.MonkeyPatch()
    p = make_pipeline(tmp_path_factory.mktemp("e2e") / "home", mp)
    result = p.run()
    yield p, result
    mp.undo()


def cli_extract(paths) -> list[dict]:
    """`nianbao extract --json` on the files, one dict per file."""
    out = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "nianbao"), "extract", "--json", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode in (0, 1), out.stderr
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]


def test_full_run_succeeds_and_publishes_the_snapshot(built):
    p, result = built
    assert result.success
    done = materialized(result)
    assert {
        "ingest/raw_documents",
        "raw/figures",
        "marts/fct_report_figures",
        "marts/dim_reports",
        "marts/fct_findings",
        "bi/snapshot",
    } <= done
    checks = check_results(result)
    assert checks["marts/fct_report_figures:structural_contract"] is True
    assert failed_error_checks(result) == []  # warn-severity publisher identities may fail on the samples
    assert p.snapshot.exists() and not p.snapshot.with_name("nianbao.duckdb.tmp").exists()


def _snapshot(p) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(p.snapshot), read_only=True)


def test_the_snapshot_carries_its_documentation(built):
    """Every marts table and column of the BI snapshot has its comment (dbt persist_docs, copied by the snapshot):
    a Chinese label first; the table's names its grain. The snapshot's comments are the warehouse's."""
    p, _ = built
    with _snapshot(p) as bi:
        tables = dict(
            bi.execute("select table_name, comment from duckdb_tables() where schema_name = 'marts'").fetchall()
        )
        columns = {
            (t, c): m
            for t, c, m in bi.execute(
                "select table_name, column_name, comment from duckdb_columns() where schema_name = 'marts'"
            ).fetchall()
        }
    assert len(tables) >= 12 and len(columns) > 300
    assert [t for t, m in tables.items() if not (m and CJK_FIRST.match(m) and "one row per" in m.lower())] == []
    assert [k for k, m in columns.items() if not (m and CJK_FIRST.match(m))] == []
    assert tables["fct_report_figures"].startswith("年报数值事实表")
    assert columns[("fct_report_figures", "agency_name")].startswith("发布机关")
    assert columns[("dim_reports", "report_year")].startswith("报告年度")
    assert columns[("rpt_agency_year", "disclosure_rate")].startswith("公开率")
    assert columns[("dim_report_files", "source_sha256")].startswith("文件哈希")
    warehouse = {
        (t, c): m
        for t, c, m in p.query(
            "select table_name, column_name, comment from duckdb_columns() where schema_name = 'marts'"
        )
    }
    assert warehouse == columns


def test_marts_publish_paths_relative_to_the_raw_dir_beside_the_sha256(built):
    p, _ = built
    raw = p.raw.resolve()
    with _snapshot(p) as bi:
        path_columns = bi.execute(
            "select table_name, column_name from duckdb_columns() where schema_name = 'marts' "
            "and column_name like '%path%'"
        ).fetchall()
        assert len(path_columns) >= 8
        for table, column in path_columns:
            assert bi.execute(f"select count(*) from marts.{table} where {column} like '/%'").fetchone() == (0,)
        for table, path, sha in (
            ("dim_report_files", "source_path", "source_sha256"),
            ("dim_reports", "chosen_source_path", "chosen_source_sha256"),
            ("fct_report_figures", "source_path", "source_sha256"),
            ("fct_findings", "source_path", "report_id"),
            ("rpt_report_quality", "source_path", "report_id"),
        ):
            rows = bi.execute(f"select distinct {path}, {sha} from marts.{table}").fetchall()
            assert rows, table
            for rel, digest in rows:
                assert hashlib.sha256((raw / rel).read_bytes()).hexdigest() == digest, (table, rel)
        assert sorted(r for (r,) in bi.execute("select source_path from marts.dim_report_files").fetchall()) == sorted(
            f.name for f in raw.iterdir()
        )
    assert {path for (path,) in p.query("select path from raw.documents")} == {str(f) for f in raw.iterdir()}


def test_the_readme_queries_return_rows_on_the_samples(built):
    """Each ```sql block of the README's "Querying the marts", as written (its `set variable` values included),
    returns rows on the snapshot of a run over the bundled samples."""
    p, _ = built
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Querying the marts", 1)[1].split("\n## ", 1)[0]
    queries = re.findall(r"```sql\n(.*?)```", section, flags=re.S)
    assert len(queries) == 3
    with _snapshot(p) as bi:
        for sql in queries:
            *settings, query = [s for s in sql.split(";") if s.strip()]
            for statement in settings:
                bi.execute(statement)
            assert bi.execute(query).fetchall(), query


def test_mart_agrees_with_the_cli_on_every_figure_of_every_document(built):
    p, _ = built
    docs = cli_extract(sorted(p.raw.iterdir()))
    assert len(docs) == 5 and all(d["status"] == "ok" for d in docs)
    for d in docs:
        expected = sorted(
            (
                f["table"],
                f["row"],
                f["column"],
                None if f["value"] is None else float(f["value"]),
                f["raw"],
                bool(f["approximate"]),
                f["location"].get("page"),
                f["location"].get("table_index"),
                f["location"].get("row_index"),
                f["location"].get("column_index"),
                *(f["location"].get("char_span") or (None, None)),
            )
            for f in d["figures"]
        )
        got = sorted(
            p.query(
                f"select {', '.join(FIGURE_COLUMNS)} from marts.fct_report_figures where report_id = ?", [d["sha256"]]
            )
        )
        assert got == expected, d["source"]
        meta = p.query(
            "select agency_name_printed, report_year, template, cast(published_date as varchar), "
            "region_code from marts.dim_reports where report_id = ?",
            [d["sha256"]],
        )
        r = d["report"]
        assert meta == [(r["agency"], r["report_year"], r["template"], r["published_on"], r["region"]["code"])]
    assert p.query("select count(*) from marts.fct_report_figures")[0][0] == sum(len(d["figures"]) for d in docs)


def test_every_truth_figure_is_in_the_mart_with_its_value(built, seed_truth):
    p, _ = built
    for name, truth in seed_truth.items():
        rows = p.query(
            "select table_code, row_code, column_code, value from marts.fct_report_figures where source_path = ?",
            [name],
        )  # relative to the raw dir
        cells = {(t, r, c): v for t, r, c, v in rows}
        assert cells, name
        for f in truth["figures"]:
            key = (f["table"], f["row"], f["column"])
            assert key in cells, (name, key)
            assert cells[key] == (None if f["value"] is None else float(f["value"])), (name, key)
        for f in truth.get("blank", []):
            assert cells[(f["table"], f["row"], f["column"])] is None, (name, f)


def test_marts_carry_labels_counts_and_findings(built):
    p, _ = built
    unlabeled = p.query("select count(*) from marts.fct_report_figures where is_mapped and row_label_zh is null")
    assert unlabeled == [(0,)]
    counts = p.query("select sum(n_figures), sum(n_findings) from marts.dim_reports")[0]
    assert counts == (
        p.query("select count(*) from marts.fct_report_figures")[0][0],
        p.query("select count(*) from marts.fct_findings")[0][0],
    )
    assert p.query(
        "select count(*) from marts.fct_findings where rule_statement is null and rule_id not like 'X%'"
    ) == [(0,)]


def test_gx_results_are_recorded_with_data_docs(built):
    p, _ = built
    rows = p.query(
        "select suite, success, evaluated, data_docs from audit.gx_results where suite = 'fct_report_figures_structure'"
    )
    assert rows and rows[-1][:2] == ("fct_report_figures_structure", True) and rows[-1][2] >= 10
    assert (p.home / "gx" / "index.html").exists()


READER = textwrap.dedent("""
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    print(con.execute("select count(distinct report_id) from marts.fct_report_figures").fetchone()[0], flush=True)
    sys.stdin.readline()   # hold the snapshot open until told
    print(con.execute("select count(distinct report_id) from marts.fct_report_figures").fetchone()[0], flush=True)
""")


def test_open_bi_reader_does_not_block_a_run_and_new_data_is_published(built):
    p, _ = built
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(p.snapshot)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert reader.stdout.readline().strip() == "5"
        new = p.raw / "later" / "new_report.txt"
        new.parent.mkdir()
        new.write_bytes((p.raw / "002_e30e2049e38d0093.txt").read_bytes() + "\n（完）\n".encode())
        result = p.run()
        assert result.success and "bi/snapshot" in materialized(result)
        out, _ = reader.communicate("\n", timeout=60)
        assert out.strip() == "5"  # the reader kept its consistent (old) snapshot
    finally:
        reader.kill()
    fresh = subprocess.run(
        [
            sys.executable,
            "-c",
            "import duckdb,sys; print(duckdb.connect(sys.argv[1], "
            "read_only=True).execute('select count(*) from marts.dim_report_files').fetchone()[0])",
            str(p.snapshot),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert fresh.stdout.strip() == "6"  # the new file is published; dim_reports keeps one report per body-year


def test_a_negative_count_is_a_finding_and_the_snapshot_is_published(built):
    """A publisher printing -2 in a 表三 cell (rules.csv R9): a WARN check and a row of rpt_rule_failures, never a
    blocked snapshot (blocking contracts protect our data: codes, keys, types, grain, provenance)."""
    p, _ = built
    text = (p.raw / "004_7f3569336a1c441f.txt").read_text(encoding="utf-8")
    label = text.index("本年新收政府信息公开申请数量")
    cell = text.index("\t0\n", label)
    (p.raw / "negative.txt").write_text(text[:cell] + "\t-2\n" + text[cell + 3 :], encoding="utf-8")
    result = p.run()
    assert result.success and "bi/snapshot" in materialized(result)
    assert failed_error_checks(result) == []
    assert check_results(result)["marts/fct_report_figures:structural_contract"] is False  # WARN, not ERROR
    failed = json.loads(
        p.query(
            "select failed_json from audit.gx_results where suite = 'fct_report_figures_structure' "
            "order by validated_at desc limit 1"
        )[0][0]
    )
    assert [(f["column"], f["severity"]) for f in failed] == [("unsigned_value", "warning")]
    import duckdb

    with duckdb.connect(str(p.snapshot), read_only=True) as bi:
        rows = bi.execute(
            "select rule_id, table_code, row_code, value from marts.rpt_rule_failures "
            "where source_path like '%negative.txt' and rule_id = 'R9'"
        ).fetchall()
    assert rows == [("R9", "t3_applications", "new_received", -2.0)]
