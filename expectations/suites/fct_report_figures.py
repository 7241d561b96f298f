"""Structural contract on marts.fct_report_figures: codebook codes, grain, types, provenance (printed values warn)."""

import datetime as dt

import pandas as pd

from expectations import batches, scope
from nianbao import codebook, eras
from nianbao.frames import UNMAPPED_TABLE

NAME = "fct_report_figures_structure"
CHECK = "structural_contract"
ASSET = ["marts", "fct_report_figures"]
BLOCKING = True
WATERMARK = scope.MARTS
INDEX_COLUMNS = ("report_id", "figure_seq")
BATCH_KEY = "report_id"  # whole reports per batch: the grain key starts with the report
FIRST_REPORT_YEAR = 2007  # the 条例 was issued in 2007; the first annual reports cover 2008
SIGNED_COLUMNS = ("change",)
WARN = {"severity": "warning"}  # what a publisher printed: a finding (rpt_rule_failures), never a blocked snapshot
INT_TYPES = ("int8", "int16", "int32", "int64", "Int8", "Int16", "Int32", "Int64")
TYPES = {  # pandas dtypes of DuckDB's .df(): nullable integers come back as Int32/Int64
    # (GX 1.24 cannot match pandas 3's str dtype by name; text columns are held by the set/regex expectations)
    "value": ("float64", "Float64"),
    "report_year": INT_TYPES,
    "is_mapped": ("bool", "boolean"),
    "is_approximate": ("bool", "boolean"),
    "figure_seq": INT_TYPES,
}  # 本年增/减 is the only column that may be negative (rules.csv R9)


def allowed_cell_keys() -> list[str]:
    """Every 'template|table|row|column' a report of the template may carry (codebook.printable_cells: hybrids too)."""
    return sorted(
        f"{template}|{table}|{row}|{column}"
        for template in eras.templates()
        for table, row, column in codebook.printable_cells(template)
    )


def query(conn, raw_dir=None, started_at=None, since=None) -> tuple[str, list]:
    """SQL (and parameters) for the mart's rows of the reports built after `since` (every row when None)."""
    where, params = scope.mart_rows(conn, since, table="marts.fct_report_figures")
    return f"select * from marts.fct_report_figures where {where}", params


def load(conn, raw_dir=None, started_at=None, since=None) -> pd.DataFrame:
    """The mart's rows of the reports built after `since` (every row when None), as one pandas frame."""
    return batches.load(conn, *query(conn, raw_dir, started_at, since))


def prepare(df: pd.DataFrame) -> pd.DataFrame:
    """Derived columns the expectations read (GX compares a column to constants, not to other columns)."""
    out = df.copy()
    # every figure is a codebook cell, or explicitly in the extractor's table 'unmapped' (checked by is_mapped)
    mapped = out["table_code"] != UNMAPPED_TABLE
    out["cell_key"] = (
        out["template"].astype("string")
        + "|"
        + out["table_code"].astype("string")
        + "|"
        + out["row_code"].astype("string")
        + "|"
        + out["column_code"].astype("string")
    ).where(mapped)
    # the grain: one row per report and codebook cell (unmapped numbers are told apart by their position)
    out["grain_key"] = (
        out["report_id"].astype("string")
        + "|"
        + out["cell_key"].fillna("unmapped#" + out["figure_seq"].astype("string"))
    )
    out["is_mapped_consistent"] = out["is_mapped"].astype("boolean") == mapped
    # the value of every non-signed column; null where the column may be negative or the cell is blank
    out["unsigned_value"] = out["value"].where(~out["column_code"].isin(SIGNED_COLUMNS))
    out["has_location"] = out[["page", "table_index", "row_index", "char_start"]].notna().any(axis=1)
    return out


def build():
    """The suite (GX imported here, lazily)."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    suite = gx.ExpectationSuite(name=NAME)
    for column in ("report_id", "source_sha256", "source_path", "table_code", "row_code", "column_code", "template"):
        suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column=column))
    suite.add_expectation(gxe.ExpectColumnValuesToBeInSet(column="cell_key", value_set=allowed_cell_keys()))
    suite.add_expectation(gxe.ExpectColumnValuesToBeInSet(column="is_mapped_consistent", value_set=[True]))
    suite.add_expectation(gxe.ExpectColumnValuesToBeUnique(column="grain_key"))
    # printed by the publisher: a negative count (rules.csv R9) or an impossible year is a warning
    suite.add_expectation(
        gxe.ExpectColumnValuesToBeBetween(column="unsigned_value", min_value=0, meta=WARN | {"rule": "R9"})
    )
    suite.add_expectation(
        gxe.ExpectColumnValuesToBeBetween(
            column="report_year", min_value=FIRST_REPORT_YEAR, max_value=dt.date.today().year, meta=WARN
        )
    )
    suite.add_expectation(gxe.ExpectColumnValuesToMatchRegex(column="source_sha256", regex=r"^[0-9a-f]{64}$"))
    suite.add_expectation(gxe.ExpectColumnValuesToBeInSet(column="has_location", value_set=[True]))
    suite.add_expectation(gxe.ExpectColumnValuesToBeInSet(column="template", value_set=list(eras.templates())))
    for column, types in TYPES.items():
        suite.add_expectation(gxe.ExpectColumnValuesToBeInTypeList(column=column, type_list=list(types)))
    return suite
