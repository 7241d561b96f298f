"""The rule catalogue (spec/rule_relations.csv) and its compiler (nianbao.rules): expansion over the codebook,
validation of what is written, and the evaluation every consumer shares."""

import shutil

import pytest

from nianbao import codebook, rules

T3 = "t3_applications"


@pytest.fixture
def catalogue(tmp_path, monkeypatch):
    """Write a catalogue (the header is added) beside copies of codebook.csv and rules.csv; read it from there."""
    for name in ("codebook.csv", "rules.csv"):
        shutil.copyfile(codebook.spec_path(name), tmp_path / name)

    def write(*lines: str):
        (tmp_path / "rule_relations.csv").write_text(
            "rule_id,templates,table,each,lhs,relation,rhs,tolerance\n" + "".join(f"{x}\n" for x in lines),
            encoding="utf-8",
        )
        rules.reload()

    monkeypatch.setattr(codebook, "spec_path", lambda name: tmp_path / name)
    yield write
    monkeypatch.undo()
    rules.reload()


def test_a_prefix_is_every_code_of_the_table_in_every_era_of_the_rule(catalogue):
    catalogue("R3,,t3_applications,column,total_handled,=,granted + other_*,0")
    rel = next(r for r in rules.relations("2019") if r.instance.startswith("R3|t3_applications|total|"))
    # 2019 prints one （六）其他处理 row, 2021 three sub-rows: a report of either era may print the other's (a hybrid)
    assert [c[1] for c in rel.rhs] == [
        "granted",
        "other_handling",
        "other_no_correction",
        "other_unpaid_fee",
        "other_other",
    ]
    assert rel.lhs == ((T3, "total_handled", "total"),)
    assert {r.instance.split("|")[2] for r in rules.relations("2021")} == {
        c.code for c in codebook.table("2021", T3).columns
    }  # one instance per column of 表三


def test_each_row_names_columns(catalogue):
    catalogue("R4,,t4_review_litigation,row,total,=,upheld + corrected,0")
    got = {r.lhs[0][1]: r.rhs for r in rules.relations("2021")}
    assert set(got) == {r.code for r in codebook.table("2021", "t4_review_litigation").rows}
    assert got["litigation_direct"] == (
        ("t4_review_litigation", "litigation_direct", "upheld"),
        ("t4_review_litigation", "litigation_direct", "corrected"),
    )


@pytest.mark.parametrize(
    "line,error",
    [
        ("R99,,t3_applications,column,total_handled,=,granted,0", "not in rules.csv"),
        ("R3,,t3_applications,column,total_handled,=,granted + no_such_row,0", "names no codebook code"),
        ("R3,,t3_applications,column,total_handled,~,granted,0", "unknown"),
        ("R3,pre2019_table,t3_applications,column,total_handled,=,granted,0", "not within rules.csv"),
    ],
)
def test_what_the_catalogue_cannot_mean_is_an_error(catalogue, line, error):
    catalogue(line)
    with pytest.raises(ValueError, match=error):
        rules.relations("2019")


def test_the_lines_of_one_rule_share_relation_and_tolerance(catalogue):
    catalogue(
        "O5,,legacy_stats,column,review_total,=,review_upheld,0",
        "O5,,legacy_stats,column,litigation_total,=,litigation_upheld,2",
    )
    with pytest.raises(ValueError, match="differ in relation or tolerance"):
        rules.lines()


def test_bounds_and_tolerance():
    assert rules.bounds("=", 0) == (0, 0) and rules.bounds(">=", 1) == (-1, None) and rules.bounds("<=", 0) == (None, 0)
    assert rules.holds("=", 0, 0.0) and not rules.holds("=", 0, 1.0) and rules.holds("=", 1, -1.0)
    assert rules.holds(">=", 0, 3.0) and not rules.holds(">=", 0, -1.0) and rules.holds(">=", 1, -1.0)
    assert rules.holds("<=", 0, -3.0) and not rules.holds("<=", 0, 1.0)


def test_blank_is_zero_and_an_all_blank_relation_is_not_evaluated():
    rel = next(r for r in rules.relations("pre2019_table") if r.rule == "O6")
    assert rules.evaluate({}, rel) is None
    assert rules.evaluate({rel.lhs[0]: None, rel.rhs[0]: None}, rel) is None
    assert rules.evaluate({rel.lhs[0]: 3, rel.rhs[0]: None, rel.rhs[1]: 2}, rel) == (3.0, 2.0)
    assert rules.message("staff", "=", 3.0, 2.5) == "staff: 3 ≠ 2.5"


def test_local_forms_and_prose_get_no_relation():
    assert rules.relations("pre2019_table", "local_form") == () and rules.relations("prose") == ()
    assert rules.relations(None) == ()


def test_the_bundled_catalogue_compiles_for_the_warehouse():
    rows = rules.compiled_rows()
    assert {r["rule_id"] for r in rows} == set(rules.rule_ids()) >= {"R1", "R2", "R3", "R4", "O1", "O8"}
    for r in rows:  # every cell a relation reads is a cell a report of that template may print
        assert (r["table_code"], r["row_code"], r["column_code"]) in codebook.printable_cells(r["template"]), r
    assert all(codebook.rules()[r]["severity"] for r in rules.rule_ids())
