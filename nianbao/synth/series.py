"""Multi-year series: the same body reporting over consecutive years, with carry-over and stocks that chain.

A series is one body (agency + region) reporting every year of `years` (default 2019–2023): the 2019 template for
2019–2020, the 2021 template from 2021. Consecutive reports agree with each other:
- R5: 上年结转 carried_over(t) = 结转下年度继续办理 carried_forward(t−1), per applicant column;
- R6 (2021 template, t−1 also 2021): 现行有效件数 in_force(t) = in_force(t−1) + issued(t) − repealed(t);
- R7 (2019 template, t−1 also 2019): 上一年项目数量 prior_year_items(t) = prior_year_items(t−1) + change(t−1).
With probability `break_rate` a later year breaks R5, R6 or R7 on purpose, or copies its tables (X_COPY) from its own
previous year or from another body's report of the same year. Every report stays consistent on its own (R1–R4, R8,
R12 hold); the cross-report rules a report breaks are listed in its truth entry's `violations` (on the later report)
and, with the cells involved, in `cross_report`.
"""

import random
from dataclasses import replace
from datetime import date, timedelta

from nianbao import codebook, eras

from . import figures as fig
from .check import APPLICANT_COLS, broken_rules
from .generate import pick_layout
from .model import Key, ReportSpec
from .places import pick_agency, pick_region
from .printing import apply_printing
from .prose import write_body

T2, T3, T4 = "t2_proactive", "t3_applications", "t4_review_litigation"
YEARS = tuple(range(2019, 2024))
BREAK_RATE = 0.3
R6_ROWS = ("regulations", "normative_documents")
R7_ROWS = (
    "administrative_licensing",
    "other_external_services",
    "administrative_penalty",
    "administrative_coercion",
    "administrative_fees",
)
STAT_TABLES = (T2, T3, T4)
COLUMNS = (*APPLICANT_COLS, "total")


def template_of(year: int) -> str:
    """The template a report of `year` uses in a series: the national era whose years cover it (spec/eras.csv: 2019
    for the 2019–2020 reports, 2021 after), the first national era for an earlier year."""
    national = eras.of_family(eras.NATIONAL)
    return next((t for t in national if eras.get(t).covers(year)), national[0])


def cross_year(rule: str, template: str, prev_template: str | None) -> bool:
    """Whether a cross-year rule relates a report of this template to last year's: both of the rule's eras
    (rules.csv)."""
    own = codebook.rules()[rule]["templates"].split("|")
    return template in own and prev_template in own


def leaves(template: str) -> list[str]:
    return [
        r.code
        for r in codebook.table(template, T3).rows
        if r.parent in ("outcome", "denied", "unavailable", "not_processed", "other_handling")
        and r.code != "total_handled"
    ]


def rebalance_t3(rng: random.Random, f: dict, template: str, col: str, carried: int) -> None:
    """Set carried_over of one column and re-derive handled/forward/leaves so that R1 and R3 still hold."""
    new = f.get((T3, "new_received", col)) or 0
    forward = min(f.get((T3, "carried_forward", col)) or 0, new + carried)
    handled = new + carried - forward
    rows = leaves(template)
    parts = fig.split(rng, handled, [fig.LEAF_WEIGHTS.get(r, 0.5) for r in rows])
    f[(T3, "carried_over", col)] = carried
    f[(T3, "carried_forward", col)] = forward
    f[(T3, "total_handled", col)] = handled
    for r, n in zip(rows, parts):
        f[(T3, r, col)] = n


def t3_totals(f: dict) -> None:
    for row in {k[1] for k in f if k[0] == T3}:
        f[(T3, row, "total")] = sum(f.get((T3, row, c)) or 0 for c in APPLICANT_COLS)


def chain(rng: random.Random, f: dict, template: str, prev: dict | None, prev_template: str | None) -> None:
    """Make this year's figures continue last year's (R5, R6, R7 hold)."""
    if prev is None:
        return
    for c in APPLICANT_COLS:
        rebalance_t3(rng, f, template, c, int(prev.get((T3, "carried_forward", c)) or 0))
    t3_totals(f)
    if cross_year("R6", template, prev_template):
        for row in R6_ROWS:
            stock = (prev.get((T2, row, "in_force")) or 0) + (f.get((T2, row, "issued")) or 0)
            f[(T2, row, "repealed")] = min(f.get((T2, row, "repealed")) or 0, stock)
            f[(T2, row, "in_force")] = stock - f[(T2, row, "repealed")]
    if cross_year("R7", template, prev_template):
        for row in R7_ROWS:
            prior = (prev.get((T2, row, "prior_year_items")) or 0) + (prev.get((T2, row, "change")) or 0)
            f[(T2, row, "prior_year_items")] = prior
            f[(T2, row, "change")] = max(f.get((T2, row, "change")) or 0, -prior)


def cross_broken(cur: dict, tcur: str, prev: dict | None, tprev: str | None) -> dict[str, list[Key]]:
    """Cross-year rules the pair breaks (blank = 0), each with the cells of this year's report involved."""
    out: dict[str, list[Key]] = {}
    if prev is None:
        return out
    v = lambda f, t, r, c: f.get((t, r, c)) or 0  # noqa: E731
    cells = [
        (T3, "carried_over", c) for c in COLUMNS if v(cur, T3, "carried_over", c) != v(prev, T3, "carried_forward", c)
    ]
    if cells:
        out["R5"] = cells
    if cross_year("R6", tcur, tprev):
        cells = [
            (T2, r, "in_force")
            for r in R6_ROWS
            if v(cur, T2, r, "in_force")
            != v(prev, T2, r, "in_force") + v(cur, T2, r, "issued") - v(cur, T2, r, "repealed")
        ]
        if cells:
            out["R6"] = cells
    if cross_year("R7", tcur, tprev):
        cells = [
            (T2, r, "prior_year_items")
            for r in R7_ROWS
            if v(cur, T2, r, "prior_year_items") != v(prev, T2, r, "prior_year_items") + v(prev, T2, r, "change")
        ]
        if cells:
            out["R7"] = cells
    return out


def stat_cells(f: dict) -> dict:
    return {k: v for k, v in f.items() if k[0] in STAT_TABLES}


def nonzero(f: dict) -> bool:
    return any(v for v in stat_cells(f).values())


def publish_date(rng: random.Random, year: int) -> date:
    """A date inside the legal window of every body (5–31 January of the next year)."""
    return date(year + 1, 1, 5) + timedelta(days=rng.randint(0, 26))


def inject_break(rng: random.Random, f: dict, template: str, prev_template: str | None) -> str | None:
    """Break one cross-year rule the template pair can carry (R5 always; R6 2021→2021; R7 2019→2019)."""
    options = (
        ["R5"]
        + (["R6"] if cross_year("R6", template, prev_template) else [])
        + (["R7"] if cross_year("R7", template, prev_template) else [])
    )
    rule = rng.choice(options)
    if rule == "R5":
        c = rng.choice(APPLICANT_COLS[:2])
        rebalance_t3(rng, f, template, c, int(f.get((T3, "carried_over", c)) or 0) + rng.randint(1, 3))
        t3_totals(f)
    elif rule == "R6":
        row = rng.choice(R6_ROWS)
        f[(T2, row, "in_force")] = (f.get((T2, row, "in_force")) or 0) + rng.randint(1, 4)
    else:
        row = rng.choice(R7_ROWS)
        f[(T2, row, "prior_year_items")] = (f.get((T2, row, "prior_year_items")) or 0) + rng.randint(1, 4)
    return rule


def finish(rng: random.Random, spec: ReportSpec, figures: dict) -> ReportSpec:
    """Print the figures (blanks, dashes, signs) and write the prose; the spec must break no per-report rule."""
    spec.figures = dict(figures)
    apply_printing(rng, spec)
    write_body(rng, spec)
    return spec


def body(rng: random.Random):
    """A body that reports every year under the same name: a county department, a township or a street office."""
    while True:
        region = pick_region(rng)
        agency, aliases, kind = pick_agency(rng, region, 2019)
        if kind != "city_department":
            return agency, aliases, region


def copyable(other: dict[int, tuple[dict, date]], year: int) -> bool:
    """Another body's report of `year` can be copied: it exists, is not all zero, and leaves time to copy it."""
    return year in other and nonzero(other[year][0]) and other[year][1] <= date(year + 1, 1, 27)


def generate_series(
    seed: int | str,
    index: int = 0,
    years=YEARS,
    break_rate: float = BREAK_RATE,
    style: str | None = None,
    others: list[dict[int, tuple[dict, date]]] | None = None,
) -> tuple[list[ReportSpec], dict[int, tuple[dict, date]]]:
    """One body's reports for `years` (deterministic in seed and index) and, by year, their clean figures and date.

    `others` are earlier series' results, the sources of a copy from another body.
    Each spec carries `violations` (cross-report rules it breaks) and `cross_report` details on the spec object.
    """
    rng = random.Random(f"nianbao-series:{seed}:{index}")
    agency, aliases, region = body(rng)
    layout = pick_layout(rng, "2019", style)
    level = rng.choice(("low", "high"))
    specs: list[ReportSpec] = []
    clean: dict[int, dict] = {}
    prev, tprev = None, None
    for n, year in enumerate(years):
        template = template_of(year)
        for _ in range(30):
            f = fig.figures_for(rng, template, level)
            chain(rng, f, template, prev, tprev)
            broke, copied_from = None, None
            if n and rng.random() < break_rate:
                kind = rng.choice(("break", "break", "copy_prev", "copy_other"))
                if kind == "copy_prev" and template == tprev and nonzero(prev):
                    f = {**f, **stat_cells(prev)}
                    copied_from = ("previous_year", year - 1)
                elif kind == "copy_other" and any(copyable(o, year) for o in others or []):
                    src = rng.choice([i for i, o in enumerate(others) if copyable(o, year)])
                    f = {**f, **stat_cells(others[src][year][0])}
                    copied_from = ("other_body", src)
                else:
                    broke = inject_break(rng, f, template, tprev)
            published = publish_date(rng, year)
            if copied_from and copied_from[0] == "other_body":  # the copy is published after its source
                first = others[copied_from[1]][year][1] + timedelta(days=3)
                published = first + timedelta(days=rng.randint(0, (date(year + 1, 1, 31) - first).days))
            spec = ReportSpec(
                agency=agency,
                region=replace(region),
                report_year=year,
                template=template,
                published_on=published,
                agency_aliases=list(aliases),
                layout=replace(layout, page_number=rng.randint(2, 5)),
            )
            finish(rng, spec, f)
            if broken_rules(spec):  # the copy or the break must not break a per-report rule
                continue
            cross = cross_broken(f, template, prev, tprev)
            if broke and broke not in cross:
                continue
            if copied_from is None and not broke and cross:
                continue
            if copied_from and not nonzero(f):
                continue
            spec.violations = sorted(cross) + (["X_COPY"] if copied_from else [])
            spec.cross_report = [{"rule": r, "cells": [list(k) for k in ks]} for r, ks in sorted(cross.items())]
            if copied_from:
                spec.cross_report.append({"rule": "X_COPY", "copied_from": copied_from[0], "source": copied_from[1]})
            break
        else:
            raise RuntimeError(f"could not generate series {seed}/{index} year {year}")
        specs.append(spec)
        clean[year] = (f, spec.published_on)
        prev, tprev = f, template
    return specs, clean


def write_series(
    out, bodies: int, seed: int, formats: list[str], break_rate: float = BREAK_RATE, years=YEARS
) -> list[dict]:
    """Write `bodies` series (one file per body and year, formats cycled) and return their truth entries."""
    from .corpus import renderer
    from .truth import truth_entry

    out.mkdir(parents=True, exist_ok=True)
    truth, others, names = [], [], []
    for b in range(bodies):
        specs, clean = generate_series(seed, b, years, break_rate, others=others)
        for k, spec in enumerate(specs):
            fmt = formats[(b + k) % len(formats)]
            spec.file = f"series{b:03d}_{spec.report_year}_{spec.template}.{fmt}"
            (out / spec.file).write_bytes(renderer(fmt)(spec))
            every = spec.violations
            spec.violations = [r for r in every if r != "X_COPY"]  # truth_entry words only rules.csv ids
            entry = truth_entry(spec)
            spec.violations = entry["violations"] = every
            if "X_COPY" in every:
                entry["expected_findings"].append("X_COPY: the statistics tables are a copy of another report's")
            details = []
            for d in getattr(spec, "cross_report", []):
                d = dict(d)
                if d.get("copied_from") == "other_body":
                    d["source"] = names[d["source"]][spec.report_year]
                elif d.get("copied_from") == "previous_year":
                    d["source"] = f"series{b:03d}_{d['source']}"
                details.append(d)
            entry["series"] = f"series{b:03d}"
            entry["cross_report"] = details
            truth.append(entry)
        others.append(clean)
        names.append({s.report_year: s.file for s in specs})
    for entry in truth:  # previous-year sources by file name
        for d in entry["cross_report"]:
            if d.get("copied_from") == "previous_year" and "." not in d["source"]:
                series, year = d["source"].rsplit("_", 1)
                d["source"] = names[int(series[6:])][int(year)]
    return truth
