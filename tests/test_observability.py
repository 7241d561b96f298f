"""The pieces behind what a person sees: offline GX pages, the failing-reports table, dbt's logged table metadata."""

import duckdb

from assets import check_report, dbt_output, table_metadata
from expectations import offline_docs


def test_offline_pages_drop_remote_assets_and_keep_local_ones_and_links():
    page = (
        '<html><head><link rel="stylesheet" href="https://cdn.example/b.css">'
        '<link rel="stylesheet" href="static/styles/local.css">'
        '<script src="https://cdn.example/jquery.js"></script></head><body>'
        '<img src="https://cdn.example/logo.png"><img src="static/images/logo.png">'
        '<a href="https://docs.example/">docs</a><td>R1</td></body></html>'
    )
    out = offline_docs.offline_page(page)
    assert "cdn.example" not in out
    assert 'href="static/styles/local.css"' in out and 'src="static/images/logo.png"' in out
    assert '<a href="https://docs.example/">docs</a>' in out and "<td>R1</td>" in out and "<style>" in out


def test_offline_index_lists_every_suite_and_result(tmp_path):
    (tmp_path / "expectations").mkdir()
    (tmp_path / "expectations" / "suite_a.html").write_text("<html><head></head></html>")
    run = tmp_path / "validations" / "suite_a" / "__none__" / "20260101T000000Z"
    run.mkdir(parents=True)
    (run / "frames-suite_a.html").write_text("<html><head></head></html>")
    index = offline_docs.build(tmp_path, tmp_path.parent / "offline")
    text = index.read_text(encoding="utf-8")
    assert 'href="expectations/suite_a.html"' in text
    assert 'href="validations/suite_a/__none__/20260101T000000Z/frames-suite_a.html"' in text
    assert "http" not in text


RAW = "/srv/raw"  # the raw dir the reports' paths lie under


def _warehouse(n_reports: int):
    con = duckdb.connect(":memory:")
    con.execute("create schema raw")
    con.execute(
        "create table raw.reports (report_id varchar, agency varchar, report_year integer, source_path varchar)"
    )
    con.execute("create table raw.findings (report_id varchar, rule_id varchar, message varchar)")
    for i in range(n_reports):
        con.execute("insert into raw.reports values (?, ?, 2023, ?)", [f"{i:064x}", f"机关{i}", f"{RAW}/省/{i}.txt"])
        con.execute("insert into raw.findings values (?, 'R1', ?)", [f"{i:064x}", f"第{i}个 | 不平"])
    return con


def _summary(ids: list[str], unexpected: int) -> dict:
    return {
        "failed": [
            {
                "expectation": "expect_column_values_to_be_between",
                "column": "R1",
                "rule": "R1",
                "unexpected_count": unexpected,
                "partial_unexpected_list": [3.0] * len(ids),
                "examples": [{"report_id": i} for i in ids],
            }
        ]
    }


def test_failing_reports_table_names_body_year_rule_and_message_capped_with_the_rest_counted():
    con = _warehouse(5)
    ids = [f"{i:064x}" for i in range(5)]
    table = check_report.markdown(con, _summary(ids, 40), cap=3, raw_dir=RAW)
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert len(rows) == 3
    assert rows[0] == f"| `{ids[0][:12]}` | 机关0 | 2023 | 省/0.txt | R1 | 第0个 \\| 不平 |"
    assert "… and 37 more failing rows" in table


def test_failing_reports_without_a_finding_show_the_refused_value_and_none_without_reports():
    con = _warehouse(0)
    table = check_report.markdown(con, _summary(["f" * 64], 1))
    assert "| R1 | R1 = 3.0 |" in table and "more failing rows" not in table
    assert (
        check_report.markdown(
            con,
            {
                "failed": [
                    {
                        "expectation": "e",
                        "column": "path",
                        "rule": None,
                        "unexpected_count": 1,
                        "examples": [{"path": "/x"}],
                    }
                ]
            },
        )
        is None
    )


def test_the_post_hook_line_becomes_row_count_and_column_types():
    event = {
        "info": {
            "name": "JinjaLogInfo",
            "msg": dbt_output.TABLE_METADATA + '{"row_count": 7, "columns": '
            '[["report_id", "VARCHAR"], ["value", "DOUBLE"]]}',
        },
        "data": {"node_info": {"unique_id": "model.nianbao.fct_x"}},
    }
    uid, found = dbt_output.logged_table_metadata(event)
    assert uid == "model.nianbao.fct_x" and found["row_count"] == 7
    meta = table_metadata.as_metadata(found["columns"], found["row_count"])
    assert meta["dagster/row_count"] == 7
    assert [(c.name, c.type) for c in meta["dagster/column_schema"].columns] == [
        ("report_id", "VARCHAR"),
        ("value", "DOUBLE"),
    ]
    garbled = {**event, "info": {"name": "JinjaLogInfo", "msg": dbt_output.TABLE_METADATA + '{"row_co'}}
    assert dbt_output.logged_table_metadata(garbled) is None
    assert dbt_output.logged_table_metadata({"info": {"name": "LogModelResult", "msg": "1 of 2 OK"}}) is None
