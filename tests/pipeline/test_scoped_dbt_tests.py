"""dbt tests scale with what changed: a per-report test reads only this run's reports (int_changes__reports), and
still fails on a broken row of a changed report; table-wide tests (relationships, nothing lost) read everything."""

import hashlib
import json
import os
import subprocess

from pipeline_support import ROOT, make_pipeline

DBT = ROOT / ".venv" / "bin" / "dbt"
PROJECT = ROOT / "dbt_project"
FIGURES_GRAIN = "unique_combination_fct_report_figures_report_id__table_code__row_code__column_code"
STAGED_GRAIN = "unique_combination_stg_annual_reports__figures_report_id__table_code__row_code__column_code"


def dbt_build(p, target) -> dict[str, str]:
    """`dbt build` (tests included) on the pipeline's warehouse; status per test name."""
    env = os.environ | {"NIANBAO_WAREHOUSE_PATH": str(p.warehouse), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    subprocess.run(
        [
            str(DBT),
            "build",
            "--project-dir",
            str(PROJECT),
            "--profiles-dir",
            str(PROJECT),
            "--target-path",
            str(target),
            "--log-path",
            str(target / "logs"),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    results = json.loads((target / "run_results.json").read_text())["results"]
    return {r["unique_id"].split(".")[2]: r["status"] for r in results if r["unique_id"].startswith("test.")}


def compiled_test(target, name: str) -> str:
    """The SQL dbt ran for a test (names over 63 characters are hashed: found through the manifest)."""
    manifest = json.loads((target / "manifest.json").read_text())
    (node,) = [n for uid, n in manifest["nodes"].items() if uid.split(".")[2] == name]
    return next((target / "compiled").rglob(node["path"].rsplit("/", 1)[-1])).read_text()


def test_per_report_tests_read_the_changed_reports_and_still_fail_on_them(tmp_path, monkeypatch):
    p = make_pipeline(tmp_path / "home", monkeypatch)
    assert p.run().success  # the whole job: the marts and their incremental state exist
    subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "nianbao"),
            "synth",
            "--out",
            str(tmp_path / "new"),
            "--count",
            "1",
            "--seed",
            "11",
        ],
        check=True,
        capture_output=True,
    )
    (new,) = [f for f in (tmp_path / "new").iterdir() if f.name != "truth.json"]
    (p.raw / f"added-{new.name}").write_bytes(new.read_bytes())
    assert p.run(raw_only=True).success

    target = tmp_path / "clean"
    statuses = dbt_build(p, target)
    assert statuses[FIGURES_GRAIN] == "pass" and statuses[STAGED_GRAIN] == "pass"
    assert p.query("select count(*) from intermediate.int_changes__reports")[0][0] == 1
    sql = compiled_test(target, FIGURES_GRAIN)
    assert "int_changes__reports" in sql and "fct_report_figures" in sql
    # a relationship between tables stays table-wide
    rel = next(n for n in statuses if n.startswith("relationships_dim_reports_agency_id"))
    assert "int_changes__reports" not in compiled_test(target, rel)

    # a duplicated cell in a new report's rows: the scoped grain test fails on it
    report_id = hashlib.sha256(new.read_bytes()).hexdigest()
    p.query(
        "insert into raw.figures select * replace (now() as loaded_at) from raw.figures "
        "where report_id = ? and table_code <> 'unmapped' limit 1",
        [report_id],
    )
    broken = dbt_build(p, tmp_path / "broken")
    assert broken[STAGED_GRAIN] == "fail"

    # a cell of a new report without its row code: the model's one not-null test fails, scoped to the changed reports
    p.query(  # (the duplicate out first: the failed grain test above would skip the mart)
        "delete from raw.figures where report_id = ? and loaded_at = (select max(loaded_at) from raw.figures "
        "where report_id = ?)",
        [report_id, report_id],
    )
    p.query(
        "insert into raw.figures select * replace (now() as loaded_at, null as row_code, 999999 as figure_seq) "
        "from raw.figures where report_id = ? and table_code <> 'unmapped' limit 1",
        [report_id],
    )
    nulled = dbt_build(p, tmp_path / "nulled")
    (name,) = [n for n in nulled if n.startswith("not_null_columns_fct_report_figures")]
    assert nulled[name] == "fail"
    assert "int_changes__reports" in compiled_test(tmp_path / "nulled", name)
