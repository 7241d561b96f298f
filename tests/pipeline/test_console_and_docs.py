"""What a person sees: `make run`'s console on the samples, the Dagster metadata it leaves, and `make docs`.

One run of `python -m orchestration.run` (what `make run` runs) on a copy of the samples in a temp NIANBAO_HOME.
"""

import json
import os
import re
import subprocess
import sys

import pytest
from pipeline_support import CORPUS, ROOT

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
MAX_LINES = 60
ANSI = re.compile(r"\x1b\[")
REMOTE_ASSET = re.compile(r"""(?:src|href)=["']https?://[^"']*["'][^>]*>""", re.IGNORECASE)


def env_for(home, raw) -> dict:
    """The environment `make` exports, for home and raw."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NIANBAO_", "DAGSTER_"))}
    return {
        **env,
        "NIANBAO_HOME": str(home),
        "NIANBAO_RAW_DIR": str(raw),
        "DAGSTER_HOME": str(home / "dagster_home"),
        "DBT_PROFILES_DIR": str(ROOT / "dbt_project"),
        "DAGSTER_DISABLE_TELEMETRY": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "PATH": f"{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
    }


def target_entries() -> set[str]:
    """What dbt_project/target holds (the repo's dbt target folder)."""
    target = ROOT / "dbt_project" / "target"
    return {p.name for p in target.iterdir()} if target.exists() else set()


def make_run(home, raw, summary_json) -> tuple[str, dict]:
    """`make run`'s command on home and raw: its console output and its summary (the run must succeed)."""
    out = subprocess.run(
        [sys.executable, "-m", "orchestration.run", "--summary-json", str(summary_json)],
        cwd=ROOT,
        env=env_for(home, raw),
        capture_output=True,
        text=True,
        timeout=800,
        check=False,
    )
    console = out.stdout + out.stderr
    assert out.returncode == 0, console[-4000:]
    with open(summary_json, encoding="utf-8") as f:
        return console, json.load(f)


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    """(home, raw, console output, summary) of one run on the samples."""
    import shutil

    base = tmp_path_factory.mktemp("console")
    home, raw = base / "home", base / "raw"
    shutil.copytree(CORPUS, raw)
    before = target_entries()
    console, summary = make_run(home, raw, base / "summary.json")
    return home, raw, console, summary, before


def test_the_console_is_short_plain_and_says_where_to_look(ran):
    home, _, console, summary, _ = ran
    lines = console.splitlines()
    assert len(lines) < MAX_LINES, console
    assert not ANSI.search(console)
    assert "Validation result not found" not in console  # GX's index chatter
    assert not any(re.search(r"\d+ of \d+ (START|OK|PASS)", line) for line in lines)  # dbt's node lines…
    dbt_log = summary["dbt_output"]
    assert dbt_log.startswith(str(home)) and "dbt: done" in console and dbt_log in console
    node_lines = open(dbt_log, encoding="utf-8").read()  # …are in the file the summary names
    assert re.search(r"\d+ of \d+ OK created", node_lines)
    assert "where to look next" in console
    for key in ("snapshot", "bi_site", "dbt_docs", "gx_docs", "dbt_output"):
        assert re.search(rf"^  {key} +{re.escape(str(summary[key]).split(' ')[0])}", console, re.M), key
    assert summary["quarantined"] == [] and summary["checks_failed"] == []
    assert re.search(r"^  quarantined +none$", console, re.M)


def test_dbt_target_folders_live_under_nianbao_home(ran):
    home, _, _, summary, before = ran
    runs = list((home / "dbt_target").glob(f"nianbao_dbt-{summary['run_id'][:8]}-*"))
    assert len(runs) == 1 and (runs[0] / "run_results.json").exists() and (runs[0] / "dbt.log").exists()
    new = target_entries() - before
    assert not any(name.startswith("nianbao_dbt-") for name in new), new


def _instance(home):
    import dagster as dg

    return dg.DagsterInstance.from_config(str(home / "dagster_home"))


def _latest(instance, key):
    import dagster as dg

    event = instance.get_latest_materialization_event(dg.AssetKey(key))
    return event.asset_materialization.metadata


def _warehouse(home):
    import duckdb

    return duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)


def test_every_table_asset_has_its_row_count_and_column_types(ran, monkeypatch):
    home = ran[0]
    monkeypatch.setenv("DAGSTER_HOME", str(home / "dagster_home"))
    with _instance(home) as instance:
        meta = {
            tuple(k): _latest(instance, k)
            for k in (
                ["raw", "figures"],
                ["raw", "reports"],
                ["marts", "fct_report_figures"],
                ["marts", "dim_reports"],
                ["reference", "codebook"],
            )
        }
    con = _warehouse(home)
    try:
        for (schema, table), m in meta.items():
            count = con.execute(f"select count(*) from {schema}.{table}").fetchone()[0]
            assert m["dagster/row_count"].value == count > 0, (schema, table)
            columns = {c.name: c.type for c in m["dagster/column_schema"].schema.columns}
            expected = dict(
                con.execute(
                    "select column_name, data_type from duckdb_columns() where schema_name = ? and table_name = ?",
                    [schema, table],
                ).fetchall()
            )
            assert columns == expected, (schema, table)
    finally:
        con.close()


def test_a_failed_warn_check_names_its_reports(ran, monkeypatch):
    import dagster as dg

    home = ran[0]
    monkeypatch.setenv("DAGSTER_HOME", str(home / "dagster_home"))
    key = dg.AssetCheckKey(dg.AssetKey(["marts", "fct_report_figures"]), "publisher_arithmetic")
    with _instance(home) as instance:
        record = instance.event_log_storage.get_asset_check_execution_history(key, limit=1)[0]
        evaluation = record.event.dagster_event.event_specific_data
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.WARN  # the samples break O6, O8
    table = evaluation.metadata["failing_reports"].value
    failed = evaluation.metadata["failed_expectations"].value
    con = _warehouse(home)
    try:
        for f in failed:
            for example in f["examples"]:
                agency, year = con.execute(
                    "select agency_name, report_year from marts.dim_reports where report_id = ?", [example["report_id"]]
                ).fetchone()
                row = next(
                    line
                    for line in table.splitlines()
                    if example["report_id"][:12] in line and f"| {f['rule']} |" in line
                )
                assert agency in row and str(year) in row
    finally:
        con.close()
    assert isinstance(evaluation.metadata["data_docs"], dg.UrlMetadataValue)


def test_the_first_sensor_tick_after_make_run_requests_nothing(ran, monkeypatch):
    from orchestration.sensors import last_built, raw_dir_request

    home, raw = ran[0], ran[1]
    monkeypatch.setenv("DAGSTER_HOME", str(home / "dagster_home"))
    monkeypatch.setenv("NIANBAO_RAW_DIR", str(raw))
    with _instance(home) as instance:
        cursor = last_built(instance)
    assert cursor is not None and raw_dir_request(cursor)[0] is None
    (raw / "new.txt").write_text("2023年度政府信息公开工作年度报告")
    try:
        assert raw_dir_request(cursor)[0] is not None  # a new file still starts a run
    finally:
        (raw / "new.txt").unlink()


def _docs(home, raw) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "orchestration.docs"],
        cwd=ROOT,
        env=env_for(home, raw),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    return out.stdout


def test_make_docs_builds_dbt_docs_and_offline_gx_docs_while_a_writer_holds_the_warehouse(ran):
    home, raw = ran[0], ran[1]
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(600)",
            str(home / "warehouse.duckdb"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        printed = _docs(home, raw)
    finally:
        holder.kill()
        holder.wait()
    assert f"catalog from {home / 'bi' / 'nianbao.duckdb'}" in printed  # the run's lock was not waited for
    docs = home / "docs"
    catalog = json.loads((docs / "dbt" / "catalog.json").read_text())
    assert "model.nianbao.fct_report_figures" in catalog["nodes"]
    assert (docs / "dbt" / "static_index.html").stat().st_size > 100_000
    index = (docs / "gx" / "index.html").read_text(encoding="utf-8")
    assert "publisher_arithmetic" in index and not REMOTE_ASSET.search(index)
    pages = list((docs / "gx").rglob("*.html"))
    assert len(pages) > 6 and not any(
        REMOTE_ASSET.search(re.sub(r"<a\b[^>]*>", "", p.read_text(encoding="utf-8"))) for p in pages
    )
    printed = _docs(home, raw)  # no writer: the warehouse itself, opened read-only
    assert f"catalog from {home / 'warehouse.duckdb'}" in printed
    catalog = json.loads((docs / "dbt" / "catalog.json").read_text())
    assert "model.nianbao.int_changes__reports" in catalog["nodes"]  # not in the snapshot: from the warehouse


def test_the_next_run_reuses_dbts_parse(ran):
    """dbt parses the project once per warehouse, not every run: the next run's dbt starts from the last one's parse
    (dagster-dbt would hand it the repo's, made under another profile: a full parse, ~3 s of a one-report run)."""
    home, raw, _, _, _ = ran
    _, again = make_run(home, raw, home / "again.json")
    (log,) = (home / "dbt_target").glob(f"nianbao_dbt-{again['run_id'][:8]}-*/dbt.log")
    text = log.read_text(encoding="utf-8")
    assert "Found " in text and "Unable to do partial parsing" not in text
