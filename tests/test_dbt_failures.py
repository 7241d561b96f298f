"""A dbt test that warned or failed names its failing reports: the rows read back by its compiled SQL, the tested
model's rows when the test selects only a value, and the events held until dbt has exited."""

import dagster as dg
import duckdb
import pytest
from dagster_dbt.errors import DagsterDbtCliRuntimeError

from assets import check_report, dbt_failures, dbt_output

RAW = "/srv/raw"
A, B, C = "a" * 64, "b" * 64, "c" * 64


@pytest.fixture
def con():
    con = duckdb.connect(":memory:")
    con.execute("create schema raw; create schema marts")
    con.execute(
        "create table raw.reports (report_id varchar, agency varchar, report_year integer, source_path varchar)"
    )
    con.execute("create table raw.findings (report_id varchar, rule_id varchar, message varchar)")
    con.execute(
        "insert into raw.reports values (?, '甲县人民政府', 2021, ?), (?, '乙市教育局', 2022, ?), (?, '丙镇', 2023, ?)",
        [A, f"{RAW}/甲/2021.txt", B, f"{RAW}/乙/2022.html", C, f"{RAW}/丙.txt"],
    )
    con.execute("insert into raw.findings values (?, 'R2', '表三 申请总数 ≠ 各项之和 (12 ≠ 11)')", [B])
    con.execute(
        "create table marts.residuals as select * from (values (?, 'R4', 'r4.t', 5.0, 4.0, 1.0, false), "
        "(?, 'R2', 'r2.t', 12.0, 11.0, 1.0, false), (?, 'R4', 'r4.t', 3.0, 3.0, 0.0, true)) "
        "as t(report_id, rule_id, instance_id, lhs_value, rhs_value, residual, holds)",
        [A, B, C],
    )
    con.execute(
        "create table marts.reports as select * from (values (?, 'national_2021', 0.5), (?, 'bogus', 1.2), "
        "(?, null, 0.9)) as t(report_id, template, disclosure_rate)",
        [A, B, C],
    )
    return con


def _test(name: str, **kwargs) -> dict:
    """A manifest test node as dbt writes it (the fields dbt_failures reads)."""
    return {"name": name, "test_metadata": {"name": name, "kwargs": kwargs}, "attached_node": "model.nianbao.m"}


TESTED = {"name": "reports", "relation_name": "marts.reports"}


def _body(line: str) -> list[str]:
    return [c.strip() for c in line.strip("|").split("|")]


def test_rows_that_carry_their_report_are_named_with_body_year_file_rule_and_values(con):
    sql = "select report_id, rule_id, instance_id, lhs_value, rhs_value, residual from marts.residuals where not holds"
    text = dbt_failures.markdown(con, sql, _test("rule_relations_hold"), None, count=5, cap=1, raw_dir=RAW)
    rows = [_body(line) for line in text.splitlines() if line.startswith("| `")]
    assert len(rows) == 1
    report, body, year, path, rule, message = rows[0]
    assert (report, body, year, path, rule) in {
        (f"`{A[:12]}`", "甲县人民政府", "2021", "甲/2021.txt", "R4"),
        (f"`{B[:12]}`", "乙市教育局", "2022", "乙/2022.html", "R2"),
    }
    assert message in (
        "instance_id = r4.t, lhs_value = 5.0, rhs_value = 4.0, residual = 1.0",
        "表三 申请总数 ≠ 各项之和 (12 ≠ 11)",
    )
    assert "… and 4 more failing rows (dbt counted 5 failing rows)." in text


def test_the_rows_own_message_comes_first_and_identical_lines_are_counted_once(con):
    sql = (
        "select report_id, rule_id, residual, 'total = a + b: 12 ≠ 11' as message from marts.residuals "
        "where rule_id = 'R2' union all select ?, 'R2', 1.0, 'total = a + b: 12 ≠ 11'"
    )
    text = dbt_failures.markdown(con, sql.replace("?", f"'{B}'"), _test("t"), None, count=2, cap=20, raw_dir=RAW)
    assert [line for line in text.splitlines() if line.startswith("| `")] == [
        f"| `{B[:12]}` | 乙市教育局 | 2022 | 乙/2022.html | R2 | total = a + b: 12 ≠ 11 (×2) |"
    ]


def test_the_extractors_finding_is_the_message_when_it_has_one(con):
    sql = "select report_id, rule_id, lhs_value from marts.residuals where not holds and rule_id = 'R2'"
    text = dbt_failures.markdown(con, sql, _test("rule_relations_hold"), None, count=1, cap=20, raw_dir=RAW)
    assert f"| `{B[:12]}` | 乙市教育局 | 2022 | 乙/2022.html | R2 | 表三 申请总数 ≠ 各项之和 (12 ≠ 11) |" in text
    assert text.endswith("dbt counted 1 failing row.")


def test_a_test_that_selects_only_the_value_names_the_models_rows_holding_it(con):
    # dbt's accepted_values: the value under another name and a count, no report
    sql = (
        "with all_values as (select template as value_field, count(*) as n_records from marts.reports "
        "group by template) select * from all_values where value_field not in ('national_2021')"
    )
    node = _test("accepted_values", column_name="template", values=["national_2021"])
    text = dbt_failures.markdown(con, sql, node, TESTED, count=1, cap=20, raw_dir=RAW)
    rows = [_body(line) for line in text.splitlines() if line.startswith("| `")]
    assert rows == [[f"`{B[:12]}`", "乙市教育局", "2022", "乙/2022.html", "template", "template = bogus"]]
    assert "rows of `reports` holding the failing values" in text


def test_not_null_and_expression_tests_name_their_reports(con):
    text = dbt_failures.markdown(
        con,
        "select template from marts.reports where template is null",
        _test("not_null", column_name="template"),
        TESTED,
        count=1,
        cap=20,
        raw_dir=RAW,
    )
    assert f"| `{C[:12]}` | 丙镇 | 2023 | 丙.txt | template | template = None |" in text
    expression = "disclosure_rate is null or disclosure_rate between 0 and 1"
    text = dbt_failures.markdown(
        con,
        f"select * from marts.reports where not coalesce(({expression}), false)",
        _test("expression_is_true", expression=expression),
        TESTED,
        count=1,
        cap=20,
        raw_dir=RAW,
    )
    assert f"| `{B[:12]}` | 乙市教育局 | 2022 | 乙/2022.html | expression_is_true | disclosure_rate = 1.2 |" in text


def test_a_model_level_not_null_test_names_the_reports_and_their_null_columns(con):
    # the SQL dbt compiles from macros/test_not_null_columns.sql (columns template, disclosure_rate)
    sql = (
        "select concat_ws(', ', case when \"template\" is null then 'template' end, "
        "case when \"disclosure_rate\" is null then 'disclosure_rate' end) as null_columns, * "
        'from marts.reports where "template" is null or "disclosure_rate" is null'
    )
    node = _test("not_null_columns", columns=["template", "disclosure_rate"])
    text = dbt_failures.markdown(con, sql, node, TESTED, count=1, cap=20, raw_dir=RAW)
    rows = [_body(line) for line in text.splitlines() if line.startswith("| `")]
    assert rows == [[f"`{C[:12]}`", "丙镇", "2023", "丙.txt", "not_null_columns", "null_columns = template"]]


def _check(uid: str, passed: bool = False) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        asset_key=dg.AssetKey(["marts", "reports"]),
        check_name=uid.split(".")[-1],
        passed=passed,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"unique_id": uid, "dagster_dbt/failed_row_count": 1},
    )


def test_each_held_check_gets_its_table_or_the_reason_it_has_none(con):
    manifest = {
        "nodes": {
            "test.nianbao.nn": _test("not_null", column_name="template") | {"attached_node": "model.nianbao.m"},
            "test.nianbao.gone": _test("not_null", column_name="x"),
            "model.nianbao.m": TESTED,
        }
    }
    results = {
        "results": [
            {
                "unique_id": "test.nianbao.nn",
                "compiled_code": "select template from marts.reports where template is null;",
            }
        ]
    }
    out = list(
        dbt_failures.with_failing_reports(
            [_check("test.nianbao.nn"), _check("test.nianbao.gone")], con, manifest, results, RAW
        )
    )
    tables = [ev.metadata["failing_reports"].value for ev in out]
    assert f"`{C[:12]}` | 丙镇" in tables[0]
    assert tables[1].startswith("The failing rows could not be read: ValueError: no compiled SQL for test.nianbao.gone")
    assert [ev.severity for ev in out] == [dg.AssetCheckSeverity.WARN] * 2 and not any(ev.passed for ev in out)
    assert out[0].metadata["dagster_dbt/failed_row_count"].value == 1


def test_a_warehouse_that_cannot_be_opened_leaves_the_verdicts_and_says_why():
    def connect():
        raise duckdb.IOException("Could not set lock on file")

    (ev,) = dbt_failures.named([_check("test.nianbao.nn")], connect, {"nodes": {}}, {}, RAW)
    assert not ev.passed and ev.severity == dg.AssetCheckSeverity.WARN
    assert ev.metadata["failing_reports"].value == (
        "The failing rows could not be read: IOException: Could not set lock on file"
    )


class _Raw:
    """A dbt event as stream() reads it: the raw event and the Dagster events dagster-dbt makes of it."""

    def __init__(self, events):
        self.raw_event, self.events = {"info": {}, "data": {"total": 3}}, events

    def to_default_asset_events(self, **_):
        return self.events


class _Invocation:
    def __init__(self, events, fails: bool):
        self.events, self.fails = events, fails
        self.manifest, self.dagster_dbt_translator, self.target_path, self.project = {"nodes": {}}, None, None, None

    def stream_raw_events(self):
        yield from (_Raw([e]) for e in self.events)
        if self.fails:
            raise DagsterDbtCliRuntimeError(description="dbt failed")


class _Context:
    class log:  # noqa: N801 - the attribute dagster's context has
        @staticmethod
        def info(_msg):
            pass


@pytest.mark.parametrize("fails", [False, True])
def test_checks_that_warned_wait_until_dbt_has_exited_even_when_it_failed(tmp_path, fails):
    warned, passed = _check("test.nianbao.w"), _check("test.nianbao.p", passed=True)
    seen = []

    def finish(held):
        seen.append("finish")
        return [ev.with_metadata({"failing_reports": dg.MetadataValue.md("| t |")}) for ev in held]

    stream = dbt_output.stream(_Invocation([warned, passed], fails), _Context(), tmp_path / "dbt.log", finish=finish)
    out = []
    with pytest.raises(DagsterDbtCliRuntimeError) if fails else _nothing():
        for ev in stream:
            out.append(ev)
    assert [ev.check_name for ev in out] == ["p", "w"] and seen == ["finish"]
    assert "failing_reports" in out[1].metadata


class _nothing:  # noqa: N801
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_a_long_message_keeps_its_numbers(con):
    message = "t3_applications granted: total = " + " + ".join(f"part_{i}" for i in range(30)) + ": 12 ≠ 11"
    sql = f"select '{B}' as report_id, 'R2' as rule_id, '{message}' as message"
    text = dbt_failures.markdown(con, sql, _test("t"), None, count=1, cap=20, raw_dir=RAW)
    (line,) = [line for line in text.splitlines() if line.startswith("| `")]
    cell = line.split(" | ")[-1].removesuffix(" |")
    assert len(cell) == check_report.MESSAGE_WIDTH and cell.startswith("t3_applications granted: total = part_0")
    assert cell.endswith("part_29: 12 ≠ 11") and "…" in cell
