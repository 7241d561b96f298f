"""Report years as Dagster partitions: re-extract the documents of chosen years (a backfill, a parser fix) in one run."""

import datetime as dt
import warnings

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets import load

FIRST_YEAR = 2008  # the first reports under the 2008 regulations (政府信息公开条例) cover 2008
OTHER = "other"  # documents without a report year in FIRST_YEAR..this year: failed parses, unreadable years


def year_keys(today: dt.date | None = None) -> list[str]:
    """Partition keys: every report year from FIRST_YEAR to this year, then OTHER."""
    return [str(y) for y in range(FIRST_YEAR, (today or dt.date.today()).year + 1)] + [OTHER]


REPORT_YEARS = dg.StaticPartitionsDefinition(year_keys())
KEY = dg.AssetKey(["extract", "report_year"])
MARK = "+reextract"  # appended to raw.documents.parser_version: not extracted with the current parser any more


def parser_version() -> str:
    """The current nianbao.PARSER_VERSION."""
    import nianbao

    return str(nianbao.PARSER_VERSION)


def mark_years(conn, years: list[str], version: str) -> int:
    """Mark the current documents whose last parse gave one of `years` (OTHER: no year, or one out of range) as not
    extracted with `version`, so extract/report_extractions parses exactly them again. Returns the contents marked."""
    numeric = [int(y) for y in years if y != OTHER]
    last = dt.date.today().year
    other = OTHER in years
    conn.execute("begin transaction")
    try:
        conn.execute(
            "create or replace temp table reextract as "
            "select distinct d.sha256 from raw.documents d left join raw.reports r on r.report_id = d.sha256 "
            "where d.is_current and d.sha256 in (select sha256 from raw.scan where error_kind is null) and ("
            "list_contains(?, r.report_year) "
            "or (? and (r.report_year is null or r.report_year not between ? and ?)))",
            [numeric, other, FIRST_YEAR, last],
        )
        conn.execute(
            "update raw.documents set parser_version = parser_version || ? where parser_version = ? "
            "and sha256 in (select sha256 from reextract)",
            [MARK, version],
        )
        n = conn.execute("select count(*) from reextract").fetchone()[0]
        conn.execute("commit")
    except Exception:
        conn.execute("rollback")
        raise
    return n


def report_year(context: dg.AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
    """The report years a run re-extracts (`reextract_year_job`; several years in one run): their documents are
    parsed again by extract/report_extractions in the same run, and the marts rebuild only those reports.
    `make run` never selects this asset: it parses only new contents."""
    years = list(context.partition_keys)
    with duckdb.get_connection() as conn:
        load.prepare(conn)
        n = mark_years(conn, years, parser_version())
    context.log.info(f"report years {', '.join(years)}: {n:,} contents to parse again")
    return dg.MaterializeResult(metadata={"years": ", ".join(years), "contents": n})


with warnings.catch_warnings():  # backfill_policy is beta in Dagster 1.13: no warning on every run's console
    warnings.simplefilter("ignore", dg.BetaWarning)
    report_year = dg.asset(
        key=KEY,
        group_name="extract",
        kinds={"duckdb"},
        pool="duckdb_writer",
        partitions_def=REPORT_YEARS,
        backfill_policy=dg.BackfillPolicy.single_run(),
        deps=[dg.AssetKey(["ingest", "raw_documents"])],
    )(report_year)
