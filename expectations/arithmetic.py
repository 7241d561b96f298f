"""The publishers' arithmetic rules (R1–R4, O1–O8) as per-report residuals, computed in pandas from the figures mart."""

from dataclasses import dataclass

import pandas as pd

from nianbao import codebook, eras

T3, T4, LEG = "t3_applications", "t4_review_litigation", "legacy_stats"
APPLICANTS = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
              "legal_service_org", "other_org")
OUTCOME_GROUPS = ("outcome", "denied", "unavailable", "not_processed", "other_handling")  # codebook parent codes
NATIONAL_RULES = ("R1", "R2", "R3", "R4")
LEGACY_RULES = ("O1", "O2", "O3", "O4", "O5", "O6", "O7", "O8")
RULES = NATIONAL_RULES + LEGACY_RULES
# how a rule's residual (lhs − rhs) may be: identities 0, O4/O7 (lhs ≥ rhs) ≥ 0, O8 (lhs ≤ rhs) ≤ 0
RELATION = {r: "=" for r in RULES} | {"O4": ">=", "O7": ">=", "O8": "<="}
BOUNDS = {"=": (0, 0), ">=": (0, None), "<=": (None, 0)}
DECIMALS = 6  # residuals are rounded: counts are whole, amounts never enter a rule


@dataclass(frozen=True, slots=True)
class Relation:
    """One instance of a rule: sum(lhs cells) relation sum(rhs cells), cells as (table, row, column)."""

    rule: str
    label: str
    lhs: tuple[tuple[str, str, str], ...]
    rhs: tuple[tuple[str, str, str], ...]


def _national(template: str) -> list[Relation]:
    t3 = codebook.table(template, T3)
    leaves = [r.code for r in t3.rows if r.parent in OUTCOME_GROUPS and r.code != "total_handled"
              and not (template == "2021" and r.code == "other_handling")]
    out = []
    for col in APPLICANTS + ("total",):
        out.append(Relation("R1", f"t3 {col}: new_received + carried_over = total_handled + carried_forward",
                            ((T3, "new_received", col), (T3, "carried_over", col)),
                            ((T3, "total_handled", col), (T3, "carried_forward", col))))
        out.append(Relation("R3", f"t3 {col}: total_handled = sum of outcome rows",
                            ((T3, "total_handled", col),), tuple((T3, r, col) for r in leaves)))
    for row in t3.rows:
        out.append(Relation("R2", f"t3 {row.code}: total = applicant columns",
                            ((T3, row.code, "total"),), tuple((T3, row.code, a) for a in APPLICANTS)))
    for row in ("administrative_review", "litigation_direct", "litigation_after_review"):
        out.append(Relation("R4", f"t4 {row}: total = upheld + corrected + other_result + pending",
                            ((T4, row, "total"),),
                            tuple((T4, row, c) for c in ("upheld", "corrected", "other_result", "pending"))))
    return out


def _legacy_rows(prefix: str) -> tuple[str, ...]:
    """Legacy 统计表 rows whose code starts with prefix (rules.csv writes them as sum(prefix*))."""
    return tuple(r.code for r in codebook.table(eras.owner(LEG), LEG).rows if r.code.startswith(prefix))


def _legacy() -> list[Relation]:
    def rel(rule, lhs, rhs):
        return Relation(rule, f"{' + '.join(lhs)} vs {' + '.join(rhs)}",
                        tuple((LEG, r, "value") for r in lhs), tuple((LEG, r, "value") for r in rhs))

    return [
        rel("O1", ["applications_received"], ["applications_in_person", "applications_fax", "applications_online",
                                              "applications_letter", "applications_other"]),
        rel("O2", ["applications_closed"], ["applications_closed_on_time", "applications_closed_extended"]),
        rel("O3", ["applications_answered"], ["answered_already_public", "answered_granted",
                                              "answered_partially_granted", "answered_denied",
                                              "answered_not_this_agency", "answered_not_exist",
                                              "answered_correction_requested", "answered_other_channel"]),
        rel("O4", ["answered_denied"], list(_legacy_rows("denied_"))),
        *(rel("O5", [f"{k}_total"], [f"{k}_upheld", f"{k}_corrected", f"{k}_other"])
          for k in ("review", "litigation", "complaints")),
        rel("O6", ["staff_total"], ["staff_full_time", "staff_part_time"]),
        rel("O7", list(_legacy_rows("channel_")), ["proactive_total"]),
        rel("O8", ["proactive_normative_documents"], ["normative_documents_issued"]),
    ]


def relations(template: str, variant: str | None = None) -> list[Relation]:
    """The rule instances a report of this template can break (a local pre-2019 form gets none: its rows vary)."""
    if eras.is_national(template):
        return _national(template)
    if eras.is_legacy(template) and variant != "local_form":
        return _legacy()
    return []


def long_residuals(figures: pd.DataFrame) -> pd.DataFrame:
    """One row per report and evaluated rule instance: lhs, rhs, residual = lhs − rhs, and whether it holds.

    figures: mart rows (report_id, template, table_code, row_code, column_code, value, is_mapped and optionally
    template_variant). Blank or absent cells count 0 inside a relation; a relation whose cells are all blank is
    skipped, as the parser does.
    """
    cols = ["report_id", "rule", "relation", "lhs", "rhs", "residual", "holds"]
    mapped = figures[figures["is_mapped"].fillna(False).astype(bool)]
    rows = []
    variants = figures.get("template_variant", pd.Series(None, index=figures.index))
    meta = (figures.assign(template_variant=variants)[["report_id", "template", "template_variant"]]
            .drop_duplicates("report_id", keep="last"))
    cells = mapped.drop_duplicates(["report_id", "table_code", "row_code", "column_code"], keep="last")
    by_report = {rid: dict(zip(zip(g["table_code"], g["row_code"], g["column_code"]), g["value"], strict=True))
                 for rid, g in cells.groupby("report_id", sort=False)}
    for rid, template, variant in meta.itertuples(index=False):
        values = by_report.get(rid, {})
        for r in relations(template, None if pd.isna(variant) else variant):
            lv = [values.get(k) for k in r.lhs]
            rv = [values.get(k) for k in r.rhs]
            if all(v is None or pd.isna(v) for v in lv + rv):
                continue
            lhs = sum(0.0 if v is None or pd.isna(v) else float(v) for v in lv)
            rhs = sum(0.0 if v is None or pd.isna(v) else float(v) for v in rv)
            residual = round(lhs - rhs, DECIMALS)
            lo, hi = BOUNDS[RELATION[r.rule]]
            holds = (lo is None or residual >= lo) and (hi is None or residual <= hi)
            rows.append((rid, r.rule, r.label, lhs, rhs, residual, holds))
    return pd.DataFrame(rows, columns=cols)


def _badness(long: pd.DataFrame) -> pd.Series:
    """How far each residual lies outside its rule's bounds direction (the larger, the worse)."""
    kind = long["rule"].map(RELATION)
    return long["residual"].abs().where(kind == "=", long["residual"].where(kind == "<=", -long["residual"]))


def wide_residuals(figures: pd.DataFrame) -> pd.DataFrame:
    """One row per report: report_id, template and, per rule, its worst residual (null when not evaluated)."""
    long = long_residuals(figures)
    reports = figures[["report_id", "template"]].drop_duplicates("report_id").reset_index(drop=True)
    if long.empty:
        return reports.assign(**{r: pd.Series(dtype="float64") for r in RULES})
    worst = long.loc[_badness(long).groupby([long["report_id"], long["rule"]], sort=False).idxmax()]
    worst = (worst.pivot(index="report_id", columns="rule", values="residual")
             .reindex(columns=list(RULES)).astype("float64").reset_index())
    worst.columns.name = None
    return reports.merge(worst, on="report_id", how="left")


def broken_counts(figures: pd.DataFrame) -> dict[str, dict]:
    """Per rule: reports evaluated, reports breaking it, rule instances broken, a few example report_ids."""
    long = long_residuals(figures)
    out = {}
    for rule in RULES:
        sub = long[long["rule"] == rule]
        bad = sub[~sub["holds"]]
        out[rule] = {"reports_evaluated": int(sub["report_id"].nunique()),
                     "reports_broken": int(bad["report_id"].nunique()),
                     "relations_broken": len(bad),
                     "examples": sorted(bad["report_id"].unique().tolist())[:3]}
    return out
