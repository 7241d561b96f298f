"""GX contract on marts.fct_applications (表三) over generated 2019/2021 reports: passes, and names what breaks."""

import pandas as pd
import pytest
from gx_support import failed, synth_frame

pytest.importorskip("great_expectations")

from expectations import run  # noqa: E402
from expectations.suites import fct_applications as suite  # noqa: E402


@pytest.fixture(scope="module")
def frame(tmp_path_factory):
    df = synth_frame(tmp_path_factory.mktemp("apps"), suite, count=8, seed=5)
    assert set(df["template"]) == {"2019", "2021"}
    return df


def validate(df, edit=None):
    return run.validate(df if edit is None else edit(df.copy()), suite)


def test_applications_contract_passes_on_generated_reports(frame):
    summary = validate(frame)
    assert summary["success"] and not [f for f in summary["failed"] if f["severity"] == "error"]


@pytest.mark.parametrize(
    "edit, expected",
    [
        (
            lambda df: df.assign(row_code=df["row_code"].where(df.index != df.index[0], "granted_twice")),
            ("expect_column_values_to_be_in_set", "cell_in_codebook"),
        ),
        (
            lambda df: pd.concat([df, df.iloc[[0]]], ignore_index=True),
            ("expect_column_values_to_be_unique", "grain_key"),
        ),
        (
            lambda df: df.assign(outcome_group=df["outcome_group"].where(df.index != df.index[0], None)),
            ("expect_column_values_to_not_be_null", "outcome_group"),
        ),
    ],
    ids=["unknown_row", "duplicate", "no_crosswalk"],
)
def test_applications_contract_names_the_broken_expectation(frame, edit, expected):
    summary = validate(frame, edit)
    assert not summary["success"] and expected in failed(summary)


def test_a_negative_count_is_only_a_warning(frame):
    summary = validate(frame, lambda df: df.assign(value=df["value"].where(df.index != df.index[0], -1.0)))
    assert summary["success"]
    assert {(f["column"], f["severity"]) for f in summary["failed"]} == {("value", "warning")}


def test_a_missing_table_row_is_only_a_warning(frame):
    summary = validate(frame, lambda df: df[df["row_code"] != "carried_forward"])
    assert summary["success"]
    assert {(f["column"], f["severity"]) for f in summary["failed"]} == {("grid_complete", "warning")}
