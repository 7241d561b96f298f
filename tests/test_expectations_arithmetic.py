"""The publishers' arithmetic (R1–R4, O1–O8) as GX warnings: residual semantics, and agreement with the parser's findings."""

import json
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from gx_support import raw_frames, warehouse

pytest.importorskip("great_expectations")

from expectations import arithmetic, run  # noqa: E402
from expectations.suites import publisher_arithmetic as suite  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def cells(report_id, template, values: dict, variant=None) -> pd.DataFrame:
    """Mart-like rows for one report from {(table, row, column): value}."""
    return pd.DataFrame(
        [
            {
                "report_id": report_id,
                "template": template,
                "table_code": t,
                "row_code": r,
                "column_code": c,
                "value": v,
                "is_mapped": True,
                "template_variant": variant,
            }
            for (t, r, c), v in values.items()
        ]
    )


L = "legacy_stats"


def test_blank_is_zero_inside_a_relation_and_an_all_blank_relation_is_skipped():
    df = cells(
        "a",
        "pre2019_table",
        {
            (L, "staff_total", "value"): 3,
            (L, "staff_full_time", "value"): 3,
            (L, "staff_part_time", "value"): None,
            (L, "review_total", "value"): None,
            (L, "review_upheld", "value"): None,
        },
    )
    long = arithmetic.long_residuals(df)
    assert long[long["rule"] == "O6"][["residual", "holds"]].values.tolist() == [[0.0, True]]
    assert "O5" not in set(long["rule"])  # review_* all blank, litigation_*/complaints_* absent: skipped
    wide = arithmetic.wide_residuals(df)
    assert wide.loc[0, "O6"] == 0 and pd.isna(wide.loc[0, "O5"])


def test_inequalities_point_the_right_way():
    ok = cells(
        "ok",
        "pre2019_table",
        {
            (L, "channel_website", "value"): 30,
            (L, "channel_weibo", "value"): 5,
            (L, "proactive_total", "value"): 30,
            (L, "proactive_normative_documents", "value"): 1,
            (L, "normative_documents_issued", "value"): 4,
        },
    )
    bad = cells(
        "bad",
        "pre2019_table",
        {
            (L, "channel_website", "value"): 10,
            (L, "proactive_total", "value"): 30,
            (L, "proactive_normative_documents", "value"): 6,
            (L, "normative_documents_issued", "value"): 1,
        },
    )
    counts = arithmetic.broken_counts(pd.concat([ok, bad]))
    assert counts["O7"]["examples"] == ["bad"] and counts["O8"]["examples"] == ["bad"]
    assert counts["O7"]["reports_evaluated"] == 2


def test_local_forms_and_prose_reports_get_no_rule():
    values = {(L, "staff_total", "value"): 9, (L, "staff_full_time", "value"): 1}
    df = pd.concat([cells("local", "pre2019_table", values, "local_form"), cells("prose", "prose", values)])
    assert arithmetic.long_residuals(df).empty


def test_one_expectation_per_rule_counts_reports_not_cells():
    t3 = "t3_applications"
    broken_twice = {
        (t3, "new_received", "natural_person"): 5,
        (t3, "new_received", "total"): 9,  # R2 broken
        (t3, "carried_over", "natural_person"): 1,
        (t3, "carried_over", "total"): 7,
    }  # R2 again
    summary = run.validate(cells("x", "2019", broken_twice), suite)
    assert summary["success"] and summary["warnings"] >= 1  # warnings only
    assert len(summary["results"]) == len(arithmetic.rule_ids())
    counts = suite.rule_counts(summary)
    assert counts["R2"] == {"reports_evaluated": 1, "reports_broken": 1, "examples": ["x"]}


# ---------- a generated corpus with injected violations (nianbao synth): GX counts = parser findings = truth
@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "nianbao"),
            "synth",
            "--out",
            str(out),
            "--count",
            "64",
            "--seed",
            "3",
            "--profile",
            "classic",
        ],
        check=True,
        capture_output=True,
    )
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    (out / "truth.json").unlink()  # not a report
    return out, truth


@pytest.fixture(scope="module")
def synth_tables(synth):
    return raw_frames(synth[0])


def gx_counts(conn) -> dict[str, dict]:
    return suite.rule_counts(run.validate(suite.load(conn), suite))


def test_rule_counts_agree_with_the_parser_findings_and_the_truth(synth, synth_tables):
    raw_dir, truth = synth
    conn = warehouse(synth_tables)
    got = gx_counts(conn)
    findings = dict(conn.execute("select rule_id, count(distinct report_id) from raw.findings group by 1").fetchall())
    by_path = dict(conn.execute("select source_path, report_id from raw.reports").fetchall())
    injected: dict[str, set[str]] = {}
    for doc in truth:
        for rule in doc.get("violations", []):
            injected.setdefault(rule, set()).add(by_path[str((raw_dir / doc["file"]).resolve())])
    assert (
        sum(len(v) for r, v in injected.items() if r in arithmetic.rule_ids()) >= 10
    )  # the corpus really breaks rules
    for rule in arithmetic.rule_ids():
        assert got[rule]["reports_broken"] == findings.get(rule, 0) == len(injected.get(rule, ())), rule
        assert set(got[rule]["examples"]) <= injected.get(rule, set()), rule
        assert got[rule]["reports_evaluated"] > 0, rule


def test_a_violation_the_parser_never_saw_is_counted(synth):
    """Edit a parsed figure (after the parser's own findings): the GX count alone goes up by one."""
    raw_dir, truth = synth
    clean = next(d["file"] for d in truth if d["report"]["template"] == "2021" and not d.get("violations"))
    target = str((raw_dir / clean).resolve())

    def edit(ex):
        if ex["source"] == target:
            fig = next(
                f
                for f in ex["figures"]
                if (f["table"], f["row"], f["column"]) == ("t4_review_litigation", "administrative_review", "total")
            )
            fig["value"] = (fig["value"] or 0) + 1
        return ex

    conn = warehouse(raw_frames(raw_dir, edit=edit))
    got = gx_counts(conn)
    parser = conn.execute("select count(distinct report_id) from raw.findings where rule_id = 'R4'").fetchone()[0]
    assert got["R4"]["reports_broken"] == parser + 1
    report_id = conn.execute("select report_id from raw.reports where source_path = ?", [target]).fetchone()[0]
    assert report_id in got["R4"]["examples"] or len(got["R4"]["examples"]) == 3


def test_a_warehouse_loaded_before_template_variant_existed_still_validates(synth_tables):
    conn = warehouse(synth_tables)
    conn.execute("alter table raw.reports drop column template_variant")
    assert gx_counts(conn)["R1"]["reports_broken"] == gx_counts(warehouse(synth_tables))["R1"]["reports_broken"]
