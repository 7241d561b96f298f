"""Structural contract on raw.quarantine: every row names a failed document, its error kind and message."""

import pandas as pd

from expectations import batches, scope

NAME = "raw_quarantine_structure"
CHECK = "structural_contract"
ASSET = ["raw", "quarantine"]
BLOCKING = True
WATERMARK = scope.RAW
INDEX_COLUMNS = ("path",)
BATCH_KEY = "sha256"  # the grain key starts with the content hash
QUARANTINE = """
select q.*,
       exists (select 1 from raw.documents d where d.sha256 = q.sha256) as document_recorded,
       (select bool_and(d.status <> 'ok') from raw.documents d
        where d.sha256 = q.sha256 and d.parser_version = q.parser_version) as document_failed
from raw.quarantine q
where {scope}
"""


def query(conn, raw_dir=None, started_at=None, since=None) -> tuple[str, list]:
    """SQL (and parameters) for raw.quarantine rows loaded after `since` (every row when None), with the status of
    the documents they name."""
    where, params = scope.raw_rows(conn, "quarantine", since, "q")
    return QUARANTINE.format(scope=where), params


def load(conn, raw_dir=None, started_at=None, since=None) -> pd.DataFrame:
    """The rows of `query` as one pandas frame."""
    return batches.load(conn, *query(conn, raw_dir, started_at, since))


def prepare(df: pd.DataFrame) -> pd.DataFrame:
    """Derived columns: the grain key; document_failed is null when that parser version left no document row."""
    out = df.copy()
    out["grain_key"] = (
        out["sha256"].astype("string")
        + "|"
        + out["path"].astype("string")
        + "|"
        + out["parser_version"].astype("string")
    )
    return out


def build():
    """The suite (GX imported here, lazily)."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    suite = gx.ExpectationSuite(name=NAME)
    for column in ("sha256", "path", "parser_version", "error_kind", "message", "seen_at"):
        suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column=column))
    suite.add_expectation(gxe.ExpectColumnValuesToMatchRegex(column="sha256", regex=r"^[0-9a-f]{64}$"))
    suite.add_expectation(gxe.ExpectColumnValuesToMatchRegex(column="error_kind", regex=r"\S"))
    suite.add_expectation(gxe.ExpectColumnValuesToMatchRegex(column="message", regex=r"\S"))
    suite.add_expectation(gxe.ExpectColumnValuesToBeUnique(column="grain_key"))
    suite.add_expectation(gxe.ExpectColumnValuesToBeInSet(column="document_recorded", value_set=[True]))
    suite.add_expectation(gxe.ExpectColumnValuesToBeInSet(column="document_failed", value_set=[True]))
    return suite
