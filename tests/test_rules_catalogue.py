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
    """A catalogue line's eras default to its rule's in rules.csv (R5–R7 through the compiled catalogue): codes of
    eras.csv."""
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


T2 = "t2_proactive"
R6_LIT = (
    "R6,,t2_proactive,row,in_force,=,prev.in_force + issued - repealed,0,every_cell,"
    "表二 {row} = {lhs} but last year's {prev.in_force} + {issued} - {repealed} = {rhs}"
)


def test_a_prev_term_reads_last_years_report_and_a_minus_term_counts_negatively(catalogue):
    catalogue(R6_LIT)
    assert rules.relations("2021") == () and rules.rule_ids() == () and rules.cross_rule_ids() == ("R6",)
    assert rules.cross_relations("2021", "2019") == () == rules.cross_relations("2019", "2019")  # R6: 2021 only
    got = {r.key: r for r in rules.cross_relations("2021", "2021")}
    # one instance per 表二 row that has the three columns (the codebook's parents), no row written anywhere
    assert (
        set(got)
        == {
            r.code
            for r in codebook.table("2021", T2).rows
            if {"in_force", "issued", "repealed"} <= {c.code for c in codebook.table("2021", T2).columns_for(r)}
        }
        == {"regulations", "normative_documents"}
    )
    rel = got["regulations"]
    assert rel.lhs == ((T2, "regulations", "in_force"),)
    assert rel.rhs == (
        (rules.PREV, T2, "regulations", "in_force"),
        (T2, "regulations", "issued"),
        (T2, "regulations", "repealed"),
    )
    assert rel.signs == (1, 1, 1, -1) and rel.related_template == "2021" and rel.severity == "warning"
    this = {(T2, "regulations", "in_force"): 9, (T2, "regulations", "issued"): 3, (T2, "regulations", "repealed"): None}
    last = {(T2, "regulations", "in_force"): 7}
    values = rules.pair_values(this, last)
    assert rules.evaluate(values, rel) == (9.0, 10.0)  # 7 + 3 - blank (0)
    this[(T2, "regulations", "repealed")] = 1
    values = rules.pair_values(this, last)
    assert rules.evaluate(values, rel) == (9.0, 9.0)
    assert rules.message(rel.message, 9, 10, rules.term_values(values, rel)) == (
        "表二 regulations = 9 but last year's 7 + 3 - 1 = 10"
    )
    # every_cell: decided only when both reports printed every cell (a blank one reads 0)
    assert rules.evaluate(rules.pair_values(this, {}), rel) is None
    del this[(T2, "regulations", "issued")]
    assert rules.evaluate(rules.pair_values(this, last), rel) is None


def test_cross_report_lines_compile_for_the_warehouse_per_pair_of_templates(catalogue):
    catalogue(
        "R3,,t3_applications,column,total_handled,=,granted + other_*,0",
        "R5,,t3_applications,column,carried_over,=,prev.carried_forward,0,every_cell,",
    )
    per_report, cross = rules.compiled_rows(), rules.compiled_cross_rows()
    assert {r["rule_id"] for r in per_report} == {"R3"} and {r["rule_id"] for r in cross} == {"R5"}
    assert all(r["related_template"] is None and r["report_offset"] == 0 and r["sign"] == 1 for r in per_report)
    pairs = {(r["template"], r["related_template"]) for r in cross}
    assert pairs == {("2019", "2019"), ("2019", "2021"), ("2021", "2019"), ("2021", "2021")}  # rules.csv: 2019|2021
    total = [
        r for r in cross if r["instance_key"] == "total" and r["template"] == "2021" and r["related_template"] == "2019"
    ]
    assert [(r["side"], r["report_offset"], r["row_code"], r["term"], r["n_cells"]) for r in total] == [
        ("lhs", 0, "carried_over", "carried_over", 2),
        ("rhs", -1, "carried_forward", "prev.carried_forward", 2),
    ]
    # the default message, the relation as written
    assert total[0]["message"] == "t3_applications total: carried_over = prev.carried_forward: {lhs} ≠ {rhs}"


def test_a_minus_term_of_a_per_report_line_is_the_same_relation_rearranged(catalogue):
    catalogue("R1,,t3_applications,column,new_received,=,total_handled + carried_forward - carried_over,0")
    minus = {r.key: r for r in rules.relations("2019")}
    catalogue("R1,,t3_applications,column,new_received + carried_over,=,total_handled + carried_forward,0")
    plus = {r.key: r for r in rules.relations("2019")}
    cells = {k for r in plus.values() for k in r.lhs + r.rhs}
    for values in ({c: float(i) for i, c in enumerate(sorted(cells))}, dict.fromkeys(cells, 2.0)):
        for key, r in plus.items():
            a, b = rules.evaluate(values, r), rules.evaluate(values, minus[key])
            assert a[0] - a[1] == pytest.approx(b[0] - b[1])
    assert {r["sign"] for r in rules.compiled_rows()} == {1}
    catalogue("R1,,t3_applications,column,new_received,=,total_handled + carried_forward - carried_over,0")
    assert {r["sign"] for r in rules.compiled_rows() if r["row_code"] == "carried_over"} == {-1}


@pytest.mark.parametrize(
    "line,error",
    [
        (R6_LIT.replace("prev.in_force", "prev.no_such_column"), "names no codebook code"),
        (R6_LIT.replace("{issued}", "{isued}"), r"placeholders \['isued'\]"),
        (R6_LIT.replace("{row}", "{column}"), r"placeholders \['column'\]"),
        # a term's value in a message is filled in on the cross-report lines only (the warehouse's few failures)
        ("R3,,t3_applications,column,total_handled,=,granted,0,,{granted} ≠ {lhs}", r"placeholders \['granted'\]"),
        (R6_LIT.replace("every_cell", "all_cells"), "unknown"),
    ],
)
def test_what_a_cross_report_line_cannot_mean_is_an_error(catalogue, line, error):
    catalogue(line)
    with pytest.raises(ValueError, match=error):
        rules.cross_relations("2021", "2021")


def test_r5_r6_r7_in_the_bundled_catalogue_are_rules_csv_s():
    assert rules.cross_rule_ids() == ("R5", "R6", "R7") and not set(rules.rule_ids()) & {"R5", "R6", "R7"}
    for rule in rules.cross_rule_ids():
        eras_of = set(codebook.rules()[rule]["templates"].split("|"))
        pairs = {
            (t, p)
            for t in eras.templates()
            for p in eras.templates()
            for r in rules.cross_relations(t, p)
            if r.rule == rule
        }
        assert pairs == {(t, p) for t in eras_of for p in eras_of}, rule
        assert all(
            r.severity == codebook.rules()[rule]["severity"]
            for t, p in pairs
            for r in rules.cross_relations(t, p)
            if r.rule == rule
        )
    r7 = [r.key for r in rules.cross_relations("2019", "2019") if r.rule == "R7"]
    assert r7 == [
        "administrative_licensing",
        "other_external_services",
        "administrative_penalty",
        "administrative_coercion",
        "administrative_fees",
    ]
    r5 = [r.key for r in rules.cross_relations("2021", "2019") if r.rule == "R5"]
    assert r5 == [c.code for c in codebook.table("2021", T3).columns]
