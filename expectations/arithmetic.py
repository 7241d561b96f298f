"""The publishers' arithmetic rules (R1–R4, R8, O1–O8) as per-report residuals, computed in pandas from the figures
mart."""

import pandas as pd

from nianbao import rules

DECIMALS = 6  # residuals are rounded: counts are whole, amounts never enter a rule


def rule_ids() -> tuple[str, ...]:
    """The rules with a relation in the catalogue (nianbao.rules), in catalogue order: one expectation each."""
    return rules.rule_ids()


def rule_bounds(rule: str) -> tuple[float | None, float | None]:
    """Where a rule's residual (lhs − rhs) may lie, from its relation and tolerance in the catalogue."""
    line = next(x for x in rules.lines() if x.rule == rule)
    return rules.bounds(line.relation, line.tolerance)


def tables() -> tuple[str, ...]:
    """The codebook tables whose cells any rule of the catalogue reads, in order."""
    return tuple(dict.fromkeys(r["table_code"] for r in rules.compiled_rows()))


def relations(template: str, variant: str | None = None) -> tuple[rules.Relation, ...]:
    """The rule instances a report of this template can break (a local pre-2019 form only those across tables)."""
    return rules.relations(template, variant)


def long_residuals(figures: pd.DataFrame) -> pd.DataFrame:
    """One row per report and evaluated rule instance: lhs, rhs, residual = lhs − rhs, and whether it holds.

    figures: mart rows (report_id, template, table_code, row_code, column_code, value, is_mapped and optionally
    template_variant). Blank or absent cells count 0 inside a relation; a relation whose cells are all blank is
    skipped, as the parser does.
    """
    cols = ["report_id", "rule", "relation", "lhs", "rhs", "residual", "holds", "kind"]
    mapped = figures[figures["is_mapped"].fillna(False).astype(bool)]
    rows = []
    variants = figures.get("template_variant", pd.Series(None, index=figures.index))
    meta = figures.assign(template_variant=variants)[["report_id", "template", "template_variant"]].drop_duplicates(
        "report_id", keep="last"
    )
    cells = mapped.drop_duplicates(["report_id", "table_code", "row_code", "column_code"], keep="last")
    by_report = {
        rid: dict(zip(zip(g["table_code"], g["row_code"], g["column_code"]), g["value"], strict=True))
        for rid, g in cells.groupby("report_id", sort=False)
    }
    for rid, template, variant in meta.itertuples(index=False):
        values = by_report.get(rid, {})
        values = {k: None if v is None or pd.isna(v) else float(v) for k, v in values.items()}
        for r in relations(template, None if pd.isna(variant) else variant):
            sums = rules.evaluate(values, r)
            if sums is None:
                continue
            residual = round(sums[0] - sums[1], DECIMALS)
            rows.append(
                (rid, r.rule, r.label, *sums, residual, rules.holds(r.relation, r.tolerance, residual), r.relation)
            )
    return pd.DataFrame(rows, columns=cols)


def _badness(long: pd.DataFrame) -> pd.Series:
    """How far each residual lies outside its rule's bounds direction (the larger, the worse)."""
    kind = long["kind"]
    return long["residual"].abs().where(kind == "=", long["residual"].where(kind == "<=", -long["residual"]))


def wide_residuals(figures: pd.DataFrame) -> pd.DataFrame:
    """One row per report: report_id, template and, per rule, its worst residual (null when not evaluated)."""
    long = long_residuals(figures)
    reports = figures[["report_id", "template"]].drop_duplicates("report_id").reset_index(drop=True)
    if long.empty:
        return reports.assign(**{r: pd.Series(dtype="float64") for r in rule_ids()})
    worst = long.loc[_badness(long).groupby([long["report_id"], long["rule"]], sort=False).idxmax()]
    worst = (
        worst.pivot(index="report_id", columns="rule", values="residual")
        .reindex(columns=list(rule_ids()))
        .astype("float64")
        .reset_index()
    )
    worst.columns.name = None
    return reports.merge(worst, on="report_id", how="left")


def broken_counts(figures: pd.DataFrame) -> dict[str, dict]:
    """Per rule: reports evaluated, reports breaking it, rule instances broken, a few example report_ids."""
    long = long_residuals(figures)
    out = {}
    for rule in rule_ids():
        sub = long[long["rule"] == rule]
        bad = sub[~sub["holds"]]
        out[rule] = {
            "reports_evaluated": int(sub["report_id"].nunique()),
            "reports_broken": int(bad["report_id"].nunique()),
            "relations_broken": len(bad),
            "examples": sorted(bad["report_id"].unique().tolist())[:3],
        }
    return out
