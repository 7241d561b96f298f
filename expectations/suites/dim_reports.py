"""Structural contract on marts.dim_reports: one row per body-year and per report, keys present, accepted templates."""

import datetime as dt

import pandas as pd

from expectations import batches, scope
from nianbao import eras

NAME = "dim_reports_structure"
CHECK = "structural_contract"
ASSET = ["marts", "dim_reports"]
BLOCKING = True
WATERMARK = scope.MARTS
INDEX_COLUMNS = ("report_id",)
# one row per report; the rows sharing a report_id or a body-year with another row all go to one batch (key ''),
# so both uniqueness expectations count exactly what they would over every row at once
BATCH_KEY = (
    "case when count(*) over (partition by report_id) > 1 "
    "or count(*) over (partition by agency_id, report_year) > 1 then '' else report_id end"
)
FIRST_REPORT_YEAR = 2007
WARN = {"severity": "warning"}


def query(conn, raw_dir=None, started_at=None, since=None) -> tuple[str, list]:
    """SQL (and parameters) for the mart's rows of the reports built after `since` (every row when None)."""
    where, params = scope.mart_rows(conn, since)
    return f"select * from marts.dim_reports where {where}", params


def load(conn, raw_dir=None, started_at=None, since=None) -> pd.DataFrame:
    """The mart's rows of the reports built after `since` (every row when None), as one pandas frame."""
    return batches.load(conn, *query(conn, raw_dir, started_at, since))


def prepare(df: pd.DataFrame) -> pd.DataFrame:
    """Derived columns: id = content hash, publication after the year ended, the body-year key."""
    out = df.copy()
    out["id_is_source_sha256"] = out["report_id"].astype("string") == out["source_sha256"].astype("string")
    year_end = pd.to_datetime(out["report_year"].astype("Int64").astype("string") + "-12-31", errors="coerce")
    published = pd.to_datetime(out["published_date"], errors="coerce")
    # null when either date is unknown: GX skips missing values
    out["published_after_year_end"] = (
        (published > year_end).astype("boolean").where(published.notna() & year_end.notna())
    )
    # the grain the model defines: one report per body (agency_id) and report year
    out["body_year_key"] = (
        out["agency_id"].astype("string") + "|" + out["report_year"].astype("Int64").astype("string").fillna("?")
    )
    return out


def build():
    """The suite (GX imported here, lazily); publication timing and a missing year are warnings."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    suite = gx.ExpectationSuite(name=NAME)
    for column in ("report_id", "agency_id", "source_sha256", "source_path", "template", "parser_version"):
        suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column=column))
    suite.add_expectation(gxe.ExpectColumnValuesToBeUnique(column="report_id"))
    suite.add_expectation(gxe.ExpectColumnValuesToBeUnique(column="body_year_key"))
    suite.add_expectation(gxe.ExpectColumnValuesToMatchRegex(column="source_sha256", regex=r"^[0-9a-f]{64}$"))
    suite.add_expectation(gxe.ExpectColumnValuesToBeInSet(column="id_is_source_sha256", value_set=[True]))
    suite.add_expectation(gxe.ExpectColumnValuesToBeInSet(column="template", value_set=list(eras.templates())))
    suite.add_expectation(
        gxe.ExpectColumnValuesToBeBetween(  # the year the publisher printed: a warning
            column="report_year", min_value=FIRST_REPORT_YEAR, max_value=dt.date.today().year, meta=WARN
        )
    )
    for column in ("n_figures", "n_findings"):
        suite.add_expectation(gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0))
    suite.add_expectation(gxe.ExpectColumnValuesToBeBetween(column="n_copies", min_value=1))
    # warnings: a report posted before its year ended (rules.csv R12), no year found
    suite.add_expectation(
        gxe.ExpectColumnValuesToBeInSet(
            column="published_after_year_end", value_set=[True], meta=WARN | {"rule": "R12"}
        )
    )
    suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column="report_year", meta=WARN))
    return suite
