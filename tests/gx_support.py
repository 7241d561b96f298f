"""Test support for the GX suites: a small in-memory warehouse (raw.* from real extractions, marts as views)."""

import datetime as dt
import os
from pathlib import Path

import duckdb
import polars as pl

import nianbao
from nianbao import batch, frames
from nianbao.extract import extract_path

CROSSWALK = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds" / "outcome_crosswalk.csv"

# the columns the suites read, as the dbt marts name them (the real models are tested in tests/pipeline)
MART_VIEWS = """
create schema if not exists marts;
create or replace view marts.fct_report_figures as
select f.* exclude (template), r.agency as agency_name, r.province, r.city, r.county, r.region_code,
       r.report_year, r.template
from raw.figures f join raw.reports r using (report_id);
create or replace view marts.dim_reports as
select r.report_id, r.agency || '|' || coalesce(r.region_code, '') as agency_id, r.report_id as source_sha256,
       r.source_path, 1 as n_copies, r.agency as agency_name,
       r.province, r.city, r.county, r.region_code, r.report_year, r.template, r.published_on as published_date,
       r.parser_version, r.extracted_at,
       (select count(*) from raw.figures f where f.report_id = r.report_id) as n_figures,
       (select count(*) from raw.findings x where x.report_id = r.report_id) as n_findings
from raw.reports r;
create or replace view marts.fct_applications as
select f.report_id, r.agency || '|' || coalesce(r.region_code, '') as agency_id, r.report_year, r.template,
       f.column_code as applicant_type, f.row_code, x.outcome_group, f.value, f.raw_text, f.page, f.table_index,
       f.row_index, f.column_index, f.char_start, f.char_end
from raw.figures f join raw.reports r using (report_id)
left join read_csv('{crosswalk}', all_varchar = true) x on x.template = r.template and x.row_code = f.row_code
where f.table_code = 't3_applications' and r.template in ('2019', '2021');
"""


def in_process_extract_many(paths, **_limits):
    """nianbao.extract.extract_path over paths, in this process (the pipeline uses isolated workers)."""
    for p in paths:
        yield extract_path(p)


def raw_frames(raw_dir: str | os.PathLike, edit=None) -> dict[str, pl.DataFrame]:
    """Every raw.* frame for the files under raw_dir, as one fresh batch would write them; edit(ex) may alter a parse."""
    files = batch.scan(raw_dir)
    plan = batch.plan(files, {})
    extractions = batch.extract(plan.to_parse, in_process_extract_many)
    if edit is not None:
        extractions = [edit(ex) for ex in extractions]
    now = dt.datetime.now(dt.UTC)
    tables = batch.batch_frames(plan, extractions, {}, nianbao.PARSER_VERSION, now)
    tables["rules"] = frames.rules_frame()
    return tables


def warehouse(tables: dict[str, pl.DataFrame]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with raw.* holding the frames and marts.* as views over them."""
    conn = duckdb.connect(":memory:")
    conn.execute("create schema raw")
    for name, df in tables.items():
        conn.execute(frames.create_table_sql(name))
        conn.register("frame", df.to_arrow())
        conn.execute(f"insert into raw.{name} by name select * from frame")
        conn.unregister("frame")
    conn.execute(MART_VIEWS.replace("{crosswalk}", str(CROSSWALK)))
    return conn


def failed(summary: dict) -> set[tuple[str, str]]:
    """(expectation type, column) of every failed expectation of a validation summary."""
    return {(f["expectation"], f["column"]) for f in summary["failed"]}


def synth_frame(out: Path, suite, count: int, seed: int):
    """The suite's rows (suite.load) over `count` reports `nianbao synth` writes to out (classic profile), parsed."""
    import subprocess

    nianbao_cli = Path(__file__).resolve().parents[1] / ".venv" / "bin" / "nianbao"
    subprocess.run(
        [
            str(nianbao_cli),
            "synth",
            "--out",
            str(out),
            "--count",
            str(count),
            "--seed",
            str(seed),
            "--profile",
            "classic",
        ],
        check=True,
        capture_output=True,
    )
    (out / "truth.json").unlink()
    return suite.load(warehouse(raw_frames(out)))
