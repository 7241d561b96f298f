"""GX structural suites on small warehouses built from real extractions: pass on good data, name the broken expectation."""

import shutil

import pytest
from gx_support import failed, raw_frames, warehouse

pytest.importorskip("great_expectations")

from assets import contracts  # noqa: E402
from expectations import run  # noqa: E402
from expectations.suites import dim_reports, fct_report_figures, publisher_arithmetic, raw_documents, raw_quarantine  # noqa: E402

STRUCTURAL = (raw_documents, raw_quarantine, fct_report_figures, dim_reports)
BROKEN_PDF = bytes(range(256)) * 40  # sniffed as binary: the extractor fails, the file is quarantined


@pytest.fixture(scope="module")
def raw_dir(tmp_path_factory, corpus_dir):
    d = tmp_path_factory.mktemp("gx_raw")
    for f in corpus_dir.iterdir():
        shutil.copy(f, d / f.name)
    (d / "broken.pdf").write_bytes(BROKEN_PDF)
    return d


@pytest.fixture(scope="module")
def tables(raw_dir):
    return raw_frames(raw_dir)


@pytest.fixture
def conn(tables):
    c = warehouse(tables)
    yield c
    c.close()


def validate(conn, suite, raw_dir=None, edit=None):
    df = suite.load(conn, raw_dir)
    if edit is not None:
        df = edit(df.copy())
    return run.validate(df, suite)


@pytest.mark.parametrize("suite", STRUCTURAL, ids=lambda s: s.NAME)
def test_structural_suite_passes_on_the_seed_warehouse(conn, raw_dir, suite):
    summary = validate(conn, suite, raw_dir)
    assert summary["success"] and summary["evaluated"] >= 8
    assert [f for f in summary["failed"] if f["severity"] == "error"] == []


def test_seed_warehouse_really_holds_a_failure_and_unmapped_rows(conn):
    assert conn.execute("select count(*) from raw.quarantine").fetchone()[0] == 1
    assert conn.execute("select count(*) from raw.documents where status = 'error'").fetchone()[0] == 1


# ---------- fct_report_figures
def _first(df, mask):
    return df.index[mask][0]


def _negative(df):
    i = _first(df, df["value"].notna() & (df["column_code"] != "change") & df["is_mapped"])
    df.loc[i, "value"] = -3.0
    return df


def _duplicate_cell(df):
    import pandas as pd

    row = df[df["is_mapped"]].iloc[[0]].copy()
    row["figure_seq"] = 99999
    return pd.concat([df, row], ignore_index=True)


def _unknown_code_marked_mapped(df):
    df.loc[_first(df, df["is_mapped"]), "row_code"] = "no_such_row"
    return df


def _bad_sha(df):
    df.loc[df.index[0], "source_sha256"] = "XYZ"
    return df


def _no_location(df):
    i = df.index[0]
    df.loc[i, ["page", "table_index", "row_index", "char_start"]] = None
    return df


def _year_out_of_range(df):
    df.loc[df.index[0], "report_year"] = 1999
    return df


def _values_as_text(df):
    df["value"] = df["value"].astype("string")
    return df


@pytest.mark.parametrize(
    "edit, expected",
    [
        (_duplicate_cell, ("expect_column_values_to_be_unique", "grain_key")),
        (_unknown_code_marked_mapped, ("expect_column_values_to_be_in_set", "cell_key")),
        (_bad_sha, ("expect_column_values_to_match_regex", "source_sha256")),
        (_no_location, ("expect_column_values_to_be_in_set", "has_location")),
        (_values_as_text, ("expect_column_values_to_be_in_type_list", "value")),
    ],
    ids=lambda x: getattr(x, "__name__", None) or x[1],
)
def test_figures_contract_names_the_broken_expectation(conn, edit, expected):
    summary = validate(conn, fct_report_figures, edit=edit)
    assert not summary["success"]
    assert expected in failed(summary)


@pytest.mark.parametrize(
    "edit, column", [(_negative, "unsigned_value"), (_year_out_of_range, "report_year")], ids=["negative", "year"]
)
def test_what_a_publisher_printed_only_warns(conn, edit, column):
    summary = validate(conn, fct_report_figures, edit=edit)
    assert summary["success"] and summary["errors"] == 0  # never a blocked snapshot
    assert [(f["expectation"], f["column"], f["severity"]) for f in summary["failed"]] == [
        ("expect_column_values_to_be_between", column, "warning")
    ]


def test_unmapped_numbers_pass_only_with_is_mapped_false(conn):
    def add_unmapped(df, mapped):
        import pandas as pd

        row = df.iloc[[0]].copy()
        row[["table_code", "row_code", "column_code", "figure_seq", "is_mapped"]] = [
            "unmapped",
            "某个本地指标",
            "value",
            88888,
            mapped,
        ]
        return pd.concat([df, row], ignore_index=True)

    assert validate(conn, fct_report_figures, edit=lambda df: add_unmapped(df, False))["success"]
    bad = validate(conn, fct_report_figures, edit=lambda df: add_unmapped(df, True))
    assert ("expect_column_values_to_be_in_set", "is_mapped_consistent") in failed(bad)


def test_change_column_may_be_negative(conn):
    def negative_change(df):
        import pandas as pd

        row = df[df["template"] == "2019"].iloc[[0]].copy()
        row[["table_code", "row_code", "column_code", "value", "figure_seq"]] = [
            "t2_proactive",
            "administrative_licensing",
            "change",
            -8.0,
            77777,
        ]
        return pd.concat(
            [
                df[
                    ~(
                        (df["report_id"] == row["report_id"].iat[0])
                        & (df["table_code"] == "t2_proactive")
                        & (df["row_code"] == "administrative_licensing")
                        & (df["column_code"] == "change")
                    )
                ],
                row,
            ]
        )

    assert validate(conn, fct_report_figures, edit=negative_change)["success"]


# ---------- dim_reports
def test_reports_contract_blocks_duplicates_bad_templates_and_missing_keys(conn):
    import pandas as pd

    dup = validate(conn, dim_reports, edit=lambda df: pd.concat([df, df.iloc[[0]]]))
    assert ("expect_column_values_to_be_unique", "report_id") in failed(dup) and not dup["success"]

    def second_report_same_body_year(df):
        row = df.iloc[[0]].copy()
        row["report_id"] = row["source_sha256"] = "f" * 64
        return pd.concat([df, row])

    twice = failed(validate(conn, dim_reports, edit=second_report_same_body_year))
    assert twice == {("expect_column_values_to_be_unique", "body_year_key")}

    def template(df):
        df.loc[df.index[0], "template"] = "2030"
        return df

    assert ("expect_column_values_to_be_in_set", "template") in failed(validate(conn, dim_reports, edit=template))

    def no_path(df):
        df.loc[df.index[0], "source_path"] = None
        return df

    assert ("expect_column_values_to_not_be_null", "source_path") in failed(validate(conn, dim_reports, edit=no_path))


def test_early_publication_is_only_a_warning(conn):
    import datetime as dt

    def early(df):
        i = df.index[df["published_date"].notna()][0]
        df.loc[i, "published_date"] = dt.datetime(int(df.loc[i, "report_year"]), 6, 1)
        return df

    summary = validate(conn, dim_reports, edit=early)
    assert summary["success"]  # no error-severity failure: the snapshot would still be published
    (warning,) = summary["failed"]
    assert (warning["column"], warning["severity"], warning["unexpected_count"]) == (
        "published_after_year_end",
        "warning",
        1,
    )


# ---------- raw_documents / raw_quarantine
def _recorded(conn) -> set[str]:
    return {r[0] for r in conn.execute("select distinct path from raw.documents where is_current").fetchall()}


def test_nothing_lost_finds_a_file_that_was_never_recorded(conn, raw_dir):
    # the GX suite validates the rows a run wrote; the blocking nothing_lost contract walks the raw dir (find)
    new = raw_dir / "new.txt"
    new.write_text("新文件", encoding="utf-8")
    try:
        lost = contracts.missing(contracts.independent_entries(raw_dir), _recorded(conn))
    finally:
        new.unlink()
    assert lost == [str(new)]
    assert contracts.missing(contracts.independent_entries(raw_dir), _recorded(conn)) == []


def test_a_file_that_arrived_after_the_run_started_waits_for_the_next_batch(conn, raw_dir):
    import time

    started = time.time() - 1
    late = raw_dir / "late.txt"
    late.write_text("运行开始后才到的文件", encoding="utf-8")
    try:
        assert contracts.missing(contracts.independent_entries(raw_dir), _recorded(conn)) == [str(late)]
        assert contracts.missing(contracts.independent_entries(raw_dir, started_at=started), _recorded(conn)) == []
    finally:
        late.unlink()


def test_documents_contract_requires_every_failure_in_quarantine(conn, raw_dir):
    conn.execute("delete from raw.quarantine")
    summary = validate(conn, raw_documents, raw_dir)
    assert ("expect_column_values_to_be_in_set", "failure_quarantined") in failed(summary)


def test_documents_contract_checks_hashes_and_parsed_reports(conn, raw_dir):
    conn.execute("delete from raw.reports where report_id = (select min(report_id) from raw.reports)")
    conn.execute("update raw.documents set sha256 = 'not-a-hash' where status = 'error'")
    got = failed(validate(conn, raw_documents, raw_dir))
    assert ("expect_column_values_to_match_regex", "sha256") in got
    assert ("expect_column_values_to_be_in_set", "parsed_report_present") in got


def test_quarantine_contract_requires_error_kind_message_and_a_failed_document(conn):
    conn.execute("update raw.quarantine set error_kind = ' '")
    conn.execute(
        "insert into raw.quarantine (sha256, path, format, parser_version, error_kind, message, seen_at) "
        "select '0' || substr(sha256, 2), path || '.x', format, parser_version, "
        "error_kind, 'gone', seen_at from raw.quarantine"
    )
    got = failed(validate(conn, raw_quarantine))
    assert ("expect_column_values_to_match_regex", "error_kind") in got
    assert ("expect_column_values_to_be_in_set", "document_recorded") in got


def test_quarantine_row_for_a_document_that_parsed_fails(conn):
    conn.execute("update raw.documents set status = 'ok' where status = 'error'")
    assert ("expect_column_values_to_be_in_set", "document_failed") in failed(validate(conn, raw_quarantine))


# ---------- results carry what users query
def test_summary_lists_every_expectation_with_counts(conn):
    summary = validate(conn, fct_report_figures, edit=_negative)
    assert len(summary["results"]) == summary["evaluated"]
    row = next(r for r in summary["results"] if r["column"] == "unsigned_value")
    assert (row["success"], row["unexpected_count"], row["partial_unexpected_list"]) == (False, 1, [-3.0])
    assert row["examples"] and "report_id" in row["examples"][0]


def test_arithmetic_suite_on_the_seeds_warns_for_what_the_parser_found(conn):
    summary = validate(conn, publisher_arithmetic)
    assert summary["success"] and summary["errors"] == 0  # warnings never block
    broken = {
        r: c["reports_broken"] for r, c in publisher_arithmetic.rule_counts(summary).items() if c["reports_broken"]
    }
    found = dict(
        conn.execute(
            "select rule_id, count(distinct report_id) from raw.findings where rule_id in "
            "(select unnest(?)) group by 1",
            [list(broken) + ["R1", "R2", "R3", "R4"]],
        ).fetchall()
    )
    assert broken == found and broken  # seed 002 breaks O6 and O8
