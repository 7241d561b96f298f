"""The rule catalogue (spec/rule_relations.csv) and its compiler (nianbao.rules): expansion over the codebook,
validation of what is written, and the evaluation every consumer shares."""

import shutil

import pytest

from nianbao import codebook, eras, rules
from nianbao.extract import extract_path
from nianbao.synth import generate
from nianbao.synth.check import broken_rules
from nianbao.synth.corpus import render_txt

T3 = "t3_applications"
HEADER = "rule_id,templates,table,each,lhs,relation,rhs,tolerance,evaluated_when,message\n"


@pytest.fixture
def catalogue(tmp_path, monkeypatch):
    """Write a catalogue (the header is added) beside copies of codebook.csv and rules.csv; read it from there."""
    for name in ("codebook.csv", "rules.csv"):
        shutil.copyfile(codebook.spec_path(name), tmp_path / name)

    def write(*lines: str):
        (tmp_path / "rule_relations.csv").write_text(
            HEADER + "".join(f"{x}\n" for x in lines),
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
    with pytest.raises(ValueError, match="differ in relation, tolerance or evaluated_when"):
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
    assert (
        rules.message(rel.message, 3.0, 2.5)
        == "legacy_stats value: staff_total = staff_full_time + staff_part_time: 3 ≠ 2.5"
    )


def test_local_forms_get_only_the_prose_against_the_table_and_prose_gets_none():
    local = rules.relations("pre2019_table", "local_form")
    assert local and {r.rule for r in local} == {"R8"} and all(r.spans_tables for r in local)
    assert rules.relations("prose") == () and rules.relations(None) == ()


def test_the_bundled_catalogue_compiles_for_the_warehouse():
    rows = rules.compiled_rows()
    assert {r["rule_id"] for r in rows} == set(rules.rule_ids()) >= {"R1", "R2", "R3", "R4", "O1", "O8"}
    for r in rows:  # every cell a relation reads is a cell a report of that template may print
        assert (r["table_code"], r["row_code"], r["column_code"]) in codebook.printable_cells(r["template"]), r
    assert all(codebook.rules()[r]["severity"] for r in rules.rule_ids())


PROSE = "prose_metrics"
R8_LIT = (
    "R8,2019|2021,,one,prose_metrics.administrative_litigations.value,=,"
    "t4_review_litigation.litigation_direct.total + t4_review_litigation.litigation_after_review.total,0,each_side,"
    "正文 litigations {lhs} ≠ 表格 {rhs}"
)


def test_a_line_of_full_cells_relates_cells_of_several_tables_in_its_eras_only(catalogue):
    catalogue(
        R8_LIT,
        "R8,pre2019_table,,one,prose_metrics.proactive_disclosed.value,=,legacy_stats.proactive_total.value,0,each_side,",
    )
    (rel,) = rules.relations("2021")
    assert rel.lhs == ((PROSE, "administrative_litigations", "value"),)
    assert rel.rhs == (
        ("t4_review_litigation", "litigation_direct", "total"),
        ("t4_review_litigation", "litigation_after_review", "total"),
    )
    assert rel.spans_tables and rel.evaluated_when == "each_side" and rel.severity == "warning"
    assert rules.message(rel.message, 5, 3.5) == "正文 litigations 5 ≠ 表格 3.5"
    (legacy,) = rules.relations("pre2019_table")  # the default message: the relation as written
    assert rules.message(legacy.message, 42, 20) == (
        "prose_metrics.proactive_disclosed.value = legacy_stats.proactive_total.value: 42 ≠ 20"
    )
    assert rules.relations("2019") == (rel,) and rules.relations("prose") == ()
    assert rules.relations("pre2019_table", "local_form") == (legacy,)  # a local form's rows mapped to 统计表 codes


def test_each_side_is_decided_only_when_both_the_prose_and_the_table_printed_a_cell(catalogue):
    catalogue(R8_LIT)
    (rel,) = rules.relations("2019")
    prose, direct, after = rel.lhs[0], *rel.rhs
    assert rules.evaluate({prose: 4}, rel) is None  # no table cell printed at all
    assert rules.evaluate({direct: 3, after: 1}, rel) is None  # no prose figure
    assert rules.evaluate({prose: 4, direct: None}, rel) == (4.0, 0.0)  # a printed blank reads 0
    assert rules.evaluate({prose: 4, direct: 3, after: 1}, rel) == (4.0, 4.0)
    catalogue(R8_LIT.replace("each_side", ""))  # any_cell: one printed figure is enough
    (rel,) = rules.relations("2019")
    assert rules.evaluate({prose: 4}, rel) == (4.0, 0.0)


@pytest.mark.parametrize(
    "line,error",
    [
        (R8_LIT.replace("litigation_direct", "no_such_row"), "no codebook cell"),
        (R8_LIT.replace("t4_review_litigation.litigation_direct.total", "litigation_direct"), "no codebook cell"),
        (R8_LIT.replace("2019|2021,,one", "2019|2021,t4_review_litigation,one"), "names its table unless"),
        (R8_LIT.replace("2019|2021", "2019|2030"), "not in eras.csv"),
        (R8_LIT.replace("each_side", "sometimes"), "unknown"),
        # the legacy table's cells are no cells of a 2019 report
        (
            R8_LIT.replace("t4_review_litigation.litigation_direct.total", "legacy_stats.litigation_total.value"),
            "no codebook cell",
        ),
    ],
)
def test_what_a_line_of_cells_cannot_mean_is_an_error(catalogue, line, error):
    catalogue(line)
    with pytest.raises(ValueError, match=error):
        rules.relations("2019")


def test_r8_in_the_bundled_catalogue_is_rules_csv_r8():
    national = {r.lhs[0][1]: r for r in rules.relations("2021") if r.rule == "R8"}
    assert set(national) == {"applications_received", "administrative_reviews", "administrative_litigations"}
    assert national["applications_received"].rhs == (("t3_applications", "new_received", "total"),)
    legacy = {r.lhs[0][1]: r.rhs for r in rules.relations("pre2019_table") if r.rule == "R8"}
    assert legacy["proactive_disclosed"] == (("legacy_stats", "proactive_total", "value"),)
    assert all(r.severity == codebook.rules()["R8"]["severity"].lower() == "warning" for r in national.values())


def test_every_era_rules_csv_names_is_in_the_era_registry():
    """The warehouse reads a rule's eras from rules.csv (R5–R7 in int_rule_failures__cross_year): codes of eras.csv."""
    named = {t for r in codebook.rules().values() for t in r["templates"].split("|")}
    assert named - {"any"} <= set(eras.templates()) and {"2019", "2021", "pre2019_table"} <= named


def r8_report():
    """A generated 2021 report whose prose contradicts its table (R8) and that breaks nothing else."""
    for k in range(2000):
        spec = generate(5, k, "2021", "tab", violation_rate=1.0)
        if spec.violations == ["R8"]:
            return spec
    raise RuntimeError("no 2021 report breaking only R8")


def test_r8_tolerance_in_the_catalogue_moves_the_extractor_and_the_generators_check(tmp_path, monkeypatch):
    spec = r8_report()
    path = tmp_path / "r8.txt"
    path.write_bytes(render_txt(spec))
    stated = {("prose_metrics", row, "value"): v for row, (v, _approx) in spec.prose_metrics.items()}
    values = {**spec.figures, **stated}
    gap = max(abs(s[0] - s[1]) for r in rules.relations("2021") if r.rule == "R8" and (s := rules.evaluate(values, r)))
    found = [f for f in extract_path(path)["findings"] if f["rule"] == "R8"]
    assert gap > 0 and len(found) == 1 and found[0]["severity"] == "warning" and broken_rules(spec) == {"R8"}
    assert found[0]["message"].startswith("正文 ") and " ≠ 表格 " in found[0]["message"]
    for name in ("codebook.csv", "rules.csv", "eras.csv"):
        shutil.copyfile(codebook.spec_path(name), tmp_path / name)
    lines = codebook.spec_path("rule_relations.csv").read_text(encoding="utf-8").splitlines()
    edited = [x.replace(",0,each_side,", f",{gap},each_side,") if x.startswith("R8,") else x for x in lines]
    assert {a.split(",")[0] for a, b in zip(lines, edited, strict=True) if a != b} == {"R8"}  # R8's tolerance
    (tmp_path / "rule_relations.csv").write_text("\n".join(edited) + "\n", encoding="utf-8")
    monkeypatch.setattr(codebook, "spec_path", lambda name: tmp_path / name)
    rules.reload()
    try:
        assert [f for f in extract_path(path)["findings"] if f["rule"] == "R8"] == []
        assert broken_rules(spec) == set()
    finally:
        monkeypatch.undo()
        rules.reload()
