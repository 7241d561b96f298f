"""Structural contract on marts.fct_applications (表三): codebook cells, one row per report + cell, crosswalk; negative counts warn."""

import pandas as pd

from expectations import batches, scope
from nianbao import codebook, eras

NAME = "fct_applications_structure"
CHECK = "structural_contract"
ASSET = ["marts", "fct_applications"]
TABLE = "marts.fct_applications"  # a newer mart: the check skips (passes, says so) while the table is absent
BLOCKING = True
WATERMARK = scope.MARTS
INDEX_COLUMNS = ("report_id", "row_code", "applicant_type")
BATCH_KEY = "report_id"  # whole reports per batch: the grid per report, the grain key starts with the report
T3 = "t3_applications"
WARN = {"severity": "warning"}


def table_cells() -> dict[str, set[str]]:
    """Every 'row|column' of 表三 per template."""
    return {t: {f"{r}|{c}" for r, c in codebook.table(t, T3).cells()} for t in eras.of_family(eras.NATIONAL)}


def query(conn, raw_dir=None, started_at=None, since=None) -> tuple[str, list]:
    """SQL (and parameters) for the mart's rows of the reports built after `since` (every row when None)."""
    where, params = scope.mart_rows(conn, since, table="marts.fct_applications")
    return f"select * from {TABLE} where {where}", params


def load(conn, raw_dir=None, started_at=None, since=None) -> pd.DataFrame:
    """The mart's rows of the reports built after `since` (every row when None), as one pandas frame."""
    return batches.load(conn, *query(conn, raw_dir, started_at, since))


def prepare(df: pd.DataFrame) -> pd.DataFrame:
    """Derived columns: codebook membership per template (hybrids' rows too), the grain key, the report's share of its template grid."""
    out = df.copy()
    cells = table_cells()
    printable = {t: {f"{r}|{c}" for table, r, c in codebook.printable_cells(t) if table == T3} for t in cells}
    cell = out["row_code"].astype("string") + "|" + out["applicant_type"].astype("string")
    out["cell_in_codebook"] = [c in printable.get(t, ()) for t, c in zip(out["template"], cell, strict=True)]
    out["grain_key"] = out["report_id"].astype("string") + "|" + cell
    per_report = out.groupby("report_id")["grain_key"].transform("nunique")
    expected = out["template"].map({t: len(c) for t, c in cells.items()})
    out["grid_complete"] = per_report == expected
    out["has_location"] = out[["page", "table_index", "row_index", "char_start"]].notna().any(axis=1)
    return out


def build():
    """The suite (GX imported here, lazily); an incomplete grid (rules.csv S1) is a warning."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    suite = gx.ExpectationSuite(name=NAME)
    for column in ("report_id", "agency_id", "report_year", "template", "applicant_type", "row_code"):
        suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column=column))
    suite.add_expectation(
        gxe.ExpectColumnValuesToBeInSet(column="template", value_set=list(eras.of_family(eras.NATIONAL)))
    )
    suite.add_expectation(gxe.ExpectColumnValuesToBeInSet(column="cell_in_codebook", value_set=[True]))
    suite.add_expectation(gxe.ExpectColumnValuesToBeUnique(column="grain_key"))
    # a negative count is what the publisher printed (rules.csv R9): a warning, never a blocked snapshot
    suite.add_expectation(gxe.ExpectColumnValuesToBeBetween(column="value", min_value=0, meta=WARN | {"rule": "R9"}))
    suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column="outcome_group"))
    suite.add_expectation(gxe.ExpectColumnValuesToBeInSet(column="has_location", value_set=[True]))
    suite.add_expectation(
        gxe.ExpectColumnValuesToBeInSet(column="grid_complete", value_set=[True], meta=WARN | {"rule": "S1"})
    )
    return suite
