"""The three queries of README.md's "Querying the marts", run on a built warehouse whose answers the generator knows."""

import datetime as dt
import re

import pytest
from marts_support import built_marts
from pipeline_support import ROOT


def readme_queries() -> list[str]:
    """The ```sql blocks of the README section "Querying the marts", in order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Querying the marts", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sql\n(.*?)```", section, flags=re.S)


def run(p, sql: str, variables: dict) -> list[tuple]:
    """The README query with its `set variable` lines replaced by `variables`, on one warehouse connection."""
    from dagster_duckdb import DuckDBResource

    body = "\n".join(line for line in sql.splitlines() if not line.lower().startswith("set variable"))
    assert set(re.findall(r"getvariable\('(\w+)'\)", body)) == set(variables)
    with DuckDBResource(database=str(p.warehouse)).get_connection() as conn:
        for name, value in variables.items():
            conn.execute(f"set variable {name} = ?", [value])
        return conn.execute(body).fetchall()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return built_marts(tmp_path_factory)


def test_readme_has_the_three_queries():
    queries = readme_queries()
    assert len(queries) == 3
    assert "dim_reports" in queries[0] and "rpt_rule_failures" in queries[1] and "rpt_agency_year" in queries[2]


def test_query_a_lists_the_bodies_of_a_province_late_ones_first(built):
    p, _, info = built
    late = [e for e in info["truth"] if "R12" in e["violations"]]
    assert len(late) == 1
    rep = late[0]["report"]
    published = dt.date.fromisoformat(rep["published_on"])
    deadline = dt.date(rep["report_year"] + 1, 1, 31)  # a county department
    rows = run(p, readme_queries()[0], {"province": rep["region"]["province"], "report_year": rep["report_year"]})
    assert (rows[0][0], rows[0][4], rows[0][5]) == (rep["agency"], (published - deadline).days, False)  # late first
    assert all(r[4] in (0, None) for r in rows[1:])  # the province's other bodies that year were not late
    # a year in which that province's bodies were all on time gives nothing
    assert run(p, readme_queries()[0], {"province": rep["region"]["province"], "report_year": 1999}) == []


def test_query_b_lists_the_reports_that_break_a_rule(built):
    p, _, info = built
    want = {e["file"] for e in info["truth"] if "R1" in e["violations"]}
    assert want
    rows = run(p, readme_queries()[1], {"rule_id": "R1"})
    assert {r[3].rsplit("/", 1)[-1] for r in rows} == want
    assert all("total" in r[4].split(", ") for r in rows)  # a broken column breaks 总计 too


def test_query_c_follows_one_body_disclosure_rate_from_2019_to_2023(built):
    p, _, info = built
    series = sorted((e for e in info["truth"] if e["series"] == "series000"), key=lambda e: e["report"]["report_year"])
    want = []
    for e in series:
        v = {(f["table"], f["row"], f["column"]): f["value"] for f in e["figures"]}
        cell = lambda row: v.get(("t3_applications", row, "total")) or 0  # noqa: B023, E731
        rate = (cell("granted") + cell("partially_granted")) / cell("total_handled") if cell("total_handled") else None
        want.append((e["report"]["report_year"], None if rate is None else round(rate, 4)))
    rows = run(p, readme_queries()[2], {"agency_name": series[0]["report"]["agency"]})
    assert [(r[0], r[5]) for r in rows] == [(y, pytest.approx(x) if x is not None else None) for y, x in want]
    assert [r[1] for r in rows] == ["2019", "2019", "2021", "2021", "2021"]
