"""Multi-year series: the same body reporting over consecutive years, with carry-over and stocks that chain.

A series is one body (agency + region) reporting every year of `years` (default 2019–2023): the 2019 template for
2019–2020, the 2021 template from 2021. Consecutive reports satisfy the rule catalogue's cross-report lines (R5–R7,
terms `prev.`: nianbao.rules.cross_relations of the pair's templates): each instance's one cell of this year's
report on its lhs is solved from the rest (表三's columns rebalanced so that R1 and R3 still hold, a negative term of
this year lowered so that no count is negative), and a figure that may be negative is raised so that next year's
solved cell is not. With probability `break_rate` a later year breaks one of them on purpose, or copies its tables
(X_COPY) from its own
previous year or from another body's report of the same year. Every report stays consistent on its own (R1–R4, R8,
R12 hold); the cross-report rules a report breaks are listed in its truth entry's `violations` (on the later report)
and, with the cells involved, in `cross_report`.
"""

import random
from dataclasses import replace
from datetime import date, timedelta

from nianbao import codebook, eras, rules

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
STAT_TABLES = (T2, T3, T4)
BREAK_COLUMNS = APPLICANT_COLS[:2]  # a broken 表三 carry-over: in the busiest columns (natural persons, enterprises)
BREAK_BY = {T3: (1, 3)}  # how far a broken instance's cell is set off, by table (else 1–4)


def template_of(year: int) -> str:
    """The template a report of `year` uses in a series: the national era whose years cover it (spec/eras.csv: 2019
    for the 2019–2020 reports, 2021 after), the first national era for an earlier year."""
    national = eras.of_family(eras.NATIONAL)
    return next((t for t in national if eras.get(t).covers(year)), national[0])


def cross_relations(template: str, prev_template: str | None) -> tuple[rules.Relation, ...]:
    """The catalogue's cross-report instances between a report of this template and last year's (none without one)."""
    return rules.cross_relations(template, prev_template) if prev_template else ()


def solved_cell(rel: rules.Relation) -> tuple[str, str, str]:
    """The cell a series sets to make an instance hold: its lhs's one cell of this year's report, counted positively."""
    if len(rel.lhs) != 1 or len(rel.lhs[0]) != 3 or (rel.signs and rel.signs[0] < 0):
        raise ValueError(f"{rel.instance}: a series solves a cross-report line for one lhs cell of this year's report")
    return rel.lhs[0]


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


def set_cell(rng: random.Random, f: dict, template: str, cell: Key, value: int) -> None:
    """Set one cell of this year's figures, keeping the report's own rules: a 表三 carry-over rebalances its column
    (R1, R3) and the totals column (R2) follows the applicant columns."""
    table, row, col = cell
    if table == T3:
        if col in APPLICANT_COLS and row == "carried_over":
            rebalance_t3(rng, f, template, col, value)
        elif col in APPLICANT_COLS:
            f[cell] = value
        t3_totals(f)
    else:
        f[cell] = value


def sums(values: dict, rel: rules.Relation) -> tuple[float, float]:
    """The instance's two sums by the catalogue's evaluation, a blank or absent cell read as 0."""
    return rules.evaluate({c: values.get(c) for c in rel.lhs + rel.rhs}, rel) or (0.0, 0.0)


def solve(rng: random.Random, f: dict, template: str, rel: rules.Relation, prev: dict) -> None:
    """Make one instance hold: its solved cell set from the other cells, a negative term of this year's lowered
    first when the solution would be a negative count."""
    cell = solved_cell(rel)
    left, right = sums(rules.pair_values(f, prev), rel)
    target = right - (left - (f.get(cell) or 0))  # the solved cell's value that makes lhs = rhs
    n = len(rel.lhs)
    for k, other in enumerate(rel.rhs):
        if target < 0 and len(other) == 3 and rel.signs and rel.signs[n + k] < 0 and f.get(other):
            take = min(f[other], int(-target))
            f[other] -= take
            target += take
    set_cell(rng, f, template, cell, int(max(target, 0)))


def keep_next_year_solvable(f: dict, template: str) -> None:
    """Raise a negative figure (only 本年增/减 may be one) so that next year's cells solved from this year's (the
    `prev.` terms of the same template's cross-report lines) are not negative counts."""
    for rel in rules.cross_relations(template, template):
        n = len(rel.lhs)
        mine = [(c[1:], rel.signs[n + k] if rel.signs else 1) for k, c in enumerate(rel.rhs) if len(c) == 4]
        deficit = -sum(sign * (f.get(c) or 0) for c, sign in mine)
        for c, sign in mine:
            if deficit > 0 and sign > 0 and (f.get(c) or 0) < 0:
                up = min(-f[c], deficit)
                f[c] += up
                deficit -= up


def chain(rng: random.Random, f: dict, template: str, prev: dict | None, prev_template: str | None) -> None:
    """Make this year's figures continue last year's: every cross-report instance of the pair holds."""
    if prev is None:
        return
    for rel in cross_relations(template, prev_template):
        solve(rng, f, template, rel, prev)
    keep_next_year_solvable(f, template)


def cross_broken(cur: dict, tcur: str, prev: dict | None, tprev: str | None) -> dict[str, list[Key]]:
    """Cross-report rules the pair breaks (the catalogue's evaluation, blank = 0), each with the cells of this
    year's report on the lhs of its broken instances."""
    out: dict[str, list[Key]] = {}
    if prev is None:
        return out
    values = rules.pair_values(cur, prev)
    for rel in cross_relations(tcur, tprev):
        got = rules.evaluate(values, rel)
        if got is not None and not rules.holds(rel.relation, rel.tolerance, got[0] - got[1]):
            out.setdefault(rel.rule, []).extend(c for c in rel.lhs if len(c) == 3)
    return out


def stat_cells(f: dict) -> dict:
    return {k: v for k, v in f.items() if k[0] in STAT_TABLES}


def nonzero(f: dict) -> bool:
    return any(v for v in stat_cells(f).values())


def publish_date(rng: random.Random, year: int) -> date:
    """A date inside the legal window of every body (5–31 January of the next year)."""
    return date(year + 1, 1, 5) + timedelta(days=rng.randint(0, 26))


def breakable(rels: tuple[rules.Relation, ...], rule: str) -> list[rules.Relation]:
    """The instances of a rule a series breaks: those whose solved cell the report sets on its own (a 表三 column of
    BREAK_COLUMNS: a total follows its columns)."""
    out = [r for r in rels if r.rule == rule]
    return [r for r in out if solved_cell(r)[0] != T3 or solved_cell(r)[2] in BREAK_COLUMNS]


def inject_break(rng: random.Random, f: dict, template: str, prev: dict, prev_template: str | None) -> str | None:
    """Break one cross-report rule the template pair can carry: one of its instances set off by a few."""
    rels = cross_relations(template, prev_template)
    if not rels:
        return None
    rule = rng.choice(list(dict.fromkeys(r.rule for r in rels)))
    rel = rng.choice(breakable(rels, rule))
    cell = solved_cell(rel)
    set_cell(rng, f, template, cell, int(f.get(cell) or 0) + rng.randint(*BREAK_BY.get(cell[0], (1, 4))))
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
                    broke = inject_break(rng, f, template, prev, tprev)
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
