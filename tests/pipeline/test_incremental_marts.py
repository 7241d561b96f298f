"""Incremental marts: after adds, changes and removals, the marts equal a full rebuild (dbt --full-refresh), and a
run rebuilds only the reports of the bodies it touched (cross-year rules and X_COPY included)."""

import datetime
import os
import shutil
import subprocess

import pytest
from pipeline_support import ROOT, make_pipeline

DBT = ROOT / ".venv" / "bin" / "dbt"
PROJECT = ROOT / "dbt_project"
BODIES = 8  # nianbao synth --series: 8 bodies x 5 years, with R5/R6/R7 and X_COPY breaks


def dbt_run(p, tmp, *args) -> None:
    """`dbt build` of every seed and model (no tests) on the pipeline's warehouse (its own target dir: the repo's manifest is untouched)."""
    env = os.environ | {"NIANBAO_WAREHOUSE_PATH": str(p.warehouse), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    out = subprocess.run(
        [
            str(DBT),
            "build",
            "--exclude-resource-type",
            "test",
            "--project-dir",
            str(PROJECT),
            "--profiles-dir",
            str(PROJECT),
            "--target-path",
            str(tmp / "dbt_target"),
            "--log-path",
            str(tmp / "dbt_logs"),
            *args,
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]


def marts(p) -> dict[str, list[tuple]]:
    """Every marts table's rows, ordered by all columns."""
    tables = [
        t
        for (t,) in p.query("select table_name from information_schema.tables where table_schema = 'marts' order by 1")
    ]
    return {t: p.query(f'select * from marts."{t}" order by all') for t in tables}


def scope(p) -> int:
    """Reports the last dbt run rebuilt."""
    return p.query("select count(*) from intermediate.int_changes__reports")[0][0]


@pytest.fixture(scope="module")
def series(tmp_path_factory):
    out = tmp_path_factory.mktemp("series")
    subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "nianbao"),
            "synth",
            "--out",
            str(out),
            "--count",
            str(BODIES),
            "--seed",
            "3",
            "--series",
            "--formats",
            "txt",
        ],
        check=True,
        capture_output=True,
    )
    return out


def test_incremental_marts_equal_a_full_rebuild(tmp_path, monkeypatch, series):
    p = make_pipeline(tmp_path / "home", monkeypatch)
    files = sorted(series.glob("series*.txt"))
    held = files[12]  # a middle year of the third body: its arrival changes R5/R6/R7 on both sides
    for f in files:
        if f != held:
            shutil.copy(f, p.raw / f.name)

    def step():
        assert p.run(raw_only=True).success
        dbt_run(p, tmp_path)

    step()
    n_all = scope(p)
    assert n_all == len(files) - 1 + 5
    rules = {r for (r,) in p.query("select distinct rule_id from marts.rpt_rule_failures")}
    assert {"R5", "X_COPY"} <= rules

    # add a report: only its body is rebuilt (its 5 years, at most)
    shutil.copy(held, p.raw / held.name)
    step()
    assert 1 <= scope(p) <= 5
    # the coverage marts: that body and the place it governs, not the thousands of 行政区划 governments
    expected = p.query("select count(*) from intermediate.int_changes__expected_bodies")[0][0]
    assert 1 <= expected <= 2 < p.query("select count(distinct body_id) from marts.dim_expected_bodies")[0][0]

    # another body's copy of a report (same tables, another name): X_COPY across bodies, both sides rebuilt
    text = files[0].read_text(encoding="utf-8")
    agency = p.query(
        "select agency_name_printed from marts.dim_reports where source_path like ?", [f"%{files[0].name}"]
    )[0][0]
    (p.raw / "copy_other_body.txt").write_text(text.replace(agency, "青山区测绘地理信息局"), encoding="utf-8")
    step()
    assert (
        p.query(
            "select count(*) from marts.rpt_rule_failures where rule_id = 'X_COPY' "
            "and source_path like '%copy_other_body.txt'"
        )[0][0]
        or p.query(
            "select count(*) from marts.rpt_rule_failures where rule_id = 'X_COPY' "
            "and related_report_id in (select report_id from marts.dim_report_files "
            "where source_path like '%copy_other_body.txt')"
        )[0][0]
    )
    assert scope(p) < n_all

    # a second file for an existing body-year (it may win the de-duplication), a changed file, a removed file
    shutil.copy(files[6], p.raw / "re_posted.txt")
    with open(p.raw / "re_posted.txt", "a", encoding="utf-8") as fh:
        fh.write("\n（本报告重新发布）\n")
    changed = p.raw / files[7].name
    changed.write_text(
        changed.read_text(encoding="utf-8").replace("一、总体情况", "一、总体情况（修订）"), encoding="utf-8"
    )
    (p.raw / files[13].name).unlink()
    step()
    assert scope(p) < n_all

    # remove the cross-body copy again: the X_COPY rows it caused on the other side go too
    (p.raw / "copy_other_body.txt").unlink()
    step()
    incremental = marts(p)
    assert p.query("select count(*) from marts.dim_report_files where source_path like '%copy_other_body.txt'") == [
        (0,)
    ]

    dbt_run(p, tmp_path, "--full-refresh")
    assert (
        scope(p)
        == p.query(
            "select count(*) from (select report_id from raw.reports union "
            "select sha256 from raw.documents union select sha256 from raw.quarantine)"
        )[0][0]
    )
    full = marts(p)
    assert set(incremental) == set(full) and len(full) == 18  # rpt_extraction_review and the coverage tables
    for table in full:
        assert incremental[table] == full[table], table


def test_a_copy_group_is_rebuilt_only_when_its_original_moves(tmp_path, monkeypatch, series):
    """X_COPY across bodies: a later copy joining or leaving a group of identical tables rebuilds its own body only
    (the others keep pointing at the same original); an earlier one becomes the original, and every member is
    rebuilt to point at it. The marts still equal a full rebuild."""
    p = make_pipeline(tmp_path / "home", monkeypatch)
    files = sorted(series.glob("series*.txt"))
    for f in files:
        shutil.copy(f, p.raw / f.name)

    def step():
        assert p.run(raw_only=True).success
        dbt_run(p, tmp_path)

    step()
    original = files[0]
    report_id, agency, published = p.query(
        "select report_id, agency_name_printed, published_date from marts.dim_reports where source_path like ?",
        [f"%{original.name}"],
    )[0]
    text = original.read_text(encoding="utf-8")
    printed_date = f"{published.year}年{published.month}月{published.day}日"
    assert text.rstrip().endswith(printed_date)

    def add_copy(name: str, body: str, days: int) -> str:
        day = published + datetime.timedelta(days=days)
        copy = (
            text.replace(agency, body).rstrip().removesuffix(printed_date) + f"{day.year}年{day.month}月{day.day}日\n"
        )
        (p.raw / name).write_text(copy, encoding="utf-8")
        step()
        (copy_id, copy_published) = p.query(
            "select report_id, published_date from marts.dim_reports where source_path like ?", [f"%{name}"]
        )[0]
        assert copy_published == day
        group.add(copy_id)
        return copy_id

    group = {report_id}

    def points_at() -> dict[str, str]:
        """member of the group -> the report its X_COPY (another body's, same year) names as the original."""
        rows = p.query(
            "select distinct report_id, related_report_id from marts.rpt_rule_failures "
            "where rule_id = 'X_COPY' and message like '%another body%'"
        )
        return {copy: original for copy, original in rows if copy in group}

    later = add_copy("copy_later.txt", "青山区测绘地理信息局", 20)
    assert scope(p) == 1 and points_at() == {later: report_id}
    latest = add_copy("copy_latest.txt", "青山区统计局", 40)
    assert scope(p) == 1 and points_at() == {later: report_id, latest: report_id}

    # an earlier copy is the new original: the first report, the two copies and its own body are rebuilt
    earliest = add_copy("copy_earliest.txt", "青山区审计局", -10)
    n_original_body = p.query(
        "select count(*) from marts.dim_reports where agency_id = (select agency_id from marts.dim_reports "
        "where report_id = ?)",
        [report_id],
    )[0][0]
    assert scope(p) == 1 + n_original_body + 2
    assert points_at() == {report_id: earliest, later: earliest, latest: earliest}

    # the original leaves: every member is rebuilt again; a copy leaves: its body only
    (p.raw / "copy_earliest.txt").unlink()
    step()
    assert scope(p) == 1 + n_original_body + 2 and points_at() == {later: report_id, latest: report_id}
    (p.raw / "copy_latest.txt").unlink()
    step()
    assert scope(p) == 1 and points_at() == {later: report_id}

    incremental = marts(p)
    dbt_run(p, tmp_path, "--full-refresh")
    full = marts(p)
    for table in full:
        assert incremental[table] == full[table], table


def test_a_state_from_an_older_version_makes_a_full_rebuild(tmp_path, monkeypatch, series):
    """A state table without a column this version documents (written by an older one) is rebuilt whole, with it."""
    p = make_pipeline(tmp_path / "home", monkeypatch)
    files = sorted(series.glob("series*.txt"))
    for f in files[:10]:
        shutil.copy(f, p.raw / f.name)
    assert p.run(raw_only=True).success
    dbt_run(p, tmp_path)
    n_reports = scope(p)
    p.query("alter table state.mart_state__reports drop column published_date")
    shutil.copy(files[10], p.raw / files[10].name)
    assert p.run(raw_only=True).success
    dbt_run(p, tmp_path)
    assert scope(p) == n_reports + 1
    dated, differing = p.query(
        "select count(state.published_date), count(*) filter (where state.published_date is distinct from "
        "reports.published_date) from state.mart_state__reports as state "
        "inner join marts.dim_reports as reports using (report_id)"
    )[0]
    assert dated >= n_reports - 5 and differing == 0
