"""The rule catalogue (spec/rule_relations.csv beside rules.csv) read and expanded into relations between cells.

A line of the catalogue is one relation `lhs relation rhs` between sums of cells (terms joined by '+', or by '-' for
a term that counts negatively); `relation` is =, >= or <=, `tolerance` the absolute slack the relation allows. A term
written `prev.<term>` is a cell of the same body's report of the previous year: a line with such a term is a
cross-report rule (R5–R7), decided on a pair of reports whose templates are both of the line's eras
(`cross_relations`); the other lines are decided on one report (`relations`). `each` says what one instance is:
- `column` / `row`: the cells are of one codebook table (`table`): one instance per column of the table, its terms
  naming rows, or one per row, its terms naming columns; a term is a codebook code, `prefix*` every code of the
  table starting with prefix. Codes are expanded over the table's rows or columns of every era of the line, so a
  report printing another national era's row (a hybrid) has it counted.
- `one`: one instance, its terms full cells `table.row.column` of any tables (`table` left blank): a figure of the
  prose against its table figure (R8).
An instance of a `column` / `row` line exists where the codebook has each of its cells (表二's columns belong to
some of its rows only: R6's 现行有效件数 to 规章 and 规范性文件).
`evaluated_when` says when an instance is decided: `any_cell` (blank: the default) unless every cell is blank or
absent; `each_side` only when each side has a printed cell (a blank one counts, as 0): a figure stated in one place
is compared only with a figure the report printed in the other; `every_cell` only when every cell is printed (a
blank one counts, as 0): a stock carried from last year is compared only when both reports printed all of it.
`message` is how a broken instance reads, `{lhs}` and `{rhs}` standing for the two sums, `{column}` / `{row}` for the
column or row of the instance, and (on a cross-report line) `{<term>}` for the value of one term as the line writes
it (`{prev.in_force}`); blank: `<label>: {lhs} ≠ {rhs}`, or `violates >=` / `<=`. A rule's eras
and severity are rules.csv's (a blank `templates` means the rule's own templates there; else era codes of
spec/eras.csv). A local pre-2019 form's rows are its own (X9 checks them): it gets only the relations of cells
across tables.
"""

import csv
import functools
import re
from dataclasses import dataclass, replace

from nianbao import codebook
from nianbao import eras as registry
from nianbao.rules.evaluate import bounds

CELL = tuple[str, ...]  # (table, row, column); (PREV, table, row, column) a cell of the previous year's report
RELATIONS = ("=", ">=", "<=")
EACH = ("column", "row", "one")
WHEN = ("any_cell", "each_side", "every_cell")
CATALOGUE = "rule_relations.csv"
PREV = "prev"  # a term `prev.<term>`: the same body's report of the previous year
PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the catalogue, as written (codes not yet expanded)."""

    rule: str
    templates: tuple[str, ...]
    table: str
    each: str
    lhs: tuple[str, ...]
    relation: str
    rhs: tuple[str, ...]
    tolerance: float
    evaluated_when: str
    message: str  # as written: blank for the default

    @property
    def cross_report(self) -> bool:
        """Whether a term reads the previous year's report (a cross-report rule, decided on a pair of reports)."""
        return any(_unsigned(t).startswith(PREV + ".") for t in self.lhs + self.rhs)


@dataclass(frozen=True, slots=True)
class Relation:
    """One instance of a rule in a report: sum(lhs cells) relation sum(rhs cells), within tolerance."""

    rule: str
    instance: str
    label: str
    lhs: tuple[CELL, ...]
    rhs: tuple[CELL, ...]
    relation: str
    tolerance: float
    severity: str
    evaluated_when: str  # any_cell | each_side | every_cell (see the module's docstring)
    message: str  # how a broken instance reads: {lhs} and {rhs} stand for the two sums, {<term>} for one term
    spans_tables: bool  # its cells lie in more than one table (a local form keeps only these)
    signs: tuple[int, ...] = ()  # per cell, lhs then rhs: 1, or -1 for a term written `- x`; empty: every one 1
    terms: tuple[str, ...] = ()  # per cell, lhs then rhs: its term as the line writes it (without its sign)
    key: str = ""  # the column or row the instance runs along (each = column / row), else its lhs as written
    related_template: str | None = None  # a cross-report instance: the template of the previous year's report


def catalogue_path():
    """Path of the catalogue: spec/rule_relations.csv, beside rules.csv (codebook.spec_path)."""
    return codebook.spec_path(CATALOGUE)


def reload() -> None:
    """Forget what was read and compiled (rules.csv and the catalogue), so the next use reads the files again."""
    for f in (codebook.rules, lines, relations, cross_relations, _codes, _table_cells):
        f.cache_clear()


def _terms(text: str) -> tuple[str, ...]:
    """The terms of one side as written, a negative one with a leading '-': 'a + b - c' -> ('a', 'b', '-c')."""
    parts = re.split(r"\s*([+-])\s*", text.strip())
    out, sign = [], "+"
    for part in parts:
        if part in ("+", "-"):
            sign = part
        elif part:
            out.append(part if sign == "+" else "-" + part)
            sign = "+"
    return tuple(out)


def _unsigned(term: str) -> str:
    return term.removeprefix("-")


def _check_message(line: Line, where: str) -> None:
    """A message names only the sums, the instance's column or row, and (cross-report lines) single terms."""
    names = {"lhs", "rhs"} | ({line.each} if line.each != "one" else set())
    if line.cross_report:  # the warehouse fills term values in on the cross-report rules only (a few failures)
        names |= {_unsigned(t) for t in line.lhs + line.rhs if not t.endswith("*")}
    unknown = set(PLACEHOLDER.findall(line.message)) - names
    if unknown:
        raise ValueError(f"{where}: message placeholders {sorted(unknown)} name no sum, instance key or term")


@functools.cache
def lines() -> tuple[Line, ...]:
    """Every catalogue line, checked against rules.csv (rule known, eras within the rule's) and the codebook."""
    spec = codebook.rules()
    known = registry.templates()
    out = []
    with catalogue_path().open(encoding="utf-8") as f:
        for n, r in enumerate(csv.DictReader(f, strict=True), start=2):
            rule = r["rule_id"]
            if rule not in spec:
                raise ValueError(f"{CATALOGUE}:{n}: rule {rule} is not in rules.csv")
            own = tuple(spec[rule]["templates"].split("|"))
            eras = tuple(r["templates"].split("|")) if r["templates"] else own
            if not set(eras) <= set(own) and "any" not in own:
                raise ValueError(f"{CATALOGUE}:{n}: {rule} eras {eras} are not within rules.csv's {own}")
            unknown = set(eras) - set(known)
            if unknown:
                raise ValueError(f"{CATALOGUE}:{n}: {rule} eras {sorted(unknown)} are not in eras.csv")
            when = r["evaluated_when"] or WHEN[0]
            if r["relation"] not in RELATIONS or r["each"] not in EACH or when not in WHEN:
                raise ValueError(
                    f"{CATALOGUE}:{n}: relation {r['relation']!r} / each {r['each']!r} / evaluated_when {when!r} unknown"
                )
            if (r["each"] == "one") == bool(r["table"]):
                raise ValueError(f"{CATALOGUE}:{n}: a line names its table unless each is one (its terms are cells)")
            line = Line(
                rule,
                eras,
                r["table"],
                r["each"],
                _terms(r["lhs"]),
                r["relation"],
                _terms(r["rhs"]),
                float(r["tolerance"] or 0),
                when,
                r["message"] or "",
            )
            _check_message(line, f"{CATALOGUE}:{n}")
            out.append(line)
    for rule in {x.rule for x in out}:
        kinds = {(x.relation, x.tolerance, x.evaluated_when) for x in out if x.rule == rule}
        if len(kinds) > 1:
            raise ValueError(
                f"{CATALOGUE}: the lines of {rule} differ in relation, tolerance or evaluated_when: {sorted(kinds)}"
            )
    return tuple(out)


def rule_ids() -> tuple[str, ...]:
    """Rule ids of the catalogue decided on one report (its relations within a report), in catalogue order."""
    return tuple(dict.fromkeys(x.rule for x in lines() if not x.cross_report))


def cross_rule_ids() -> tuple[str, ...]:
    """Rule ids of the catalogue decided on a report and the same body's previous one (R5–R7), in catalogue order."""
    return tuple(dict.fromkeys(x.rule for x in lines() if x.cross_report))


@functools.cache
def _codes(table: str, dimension: str, eras: tuple[str, ...]) -> tuple[str, ...]:
    """Row or column codes of a table in any of the eras, in codebook order."""
    out: dict[str, None] = {}
    for era in eras:
        if era not in codebook.TEMPLATES:
            continue
        for t in codebook.tables(era):
            if t.table == table:
                out.update(dict.fromkeys(e.code for e in (t.rows if dimension == "row" else t.columns)))
    return tuple(out)


@functools.cache
def _table_cells(table: str, eras: tuple[str, ...]) -> frozenset[tuple[str, str]]:
    """(row, column) of a table's cells in any of the eras (表二's columns belong to some rows only)."""
    return frozenset(
        cell
        for era in eras
        if era in codebook.TEMPLATES
        for t in codebook.tables(era)
        if t.table == table
        for cell in t.cells()
    )


def _split(term: str) -> tuple[int, tuple[str, ...], str]:
    """A term as written -> (sign, the report prefix: () or (PREV,), the term without sign and prefix)."""
    body = _unsigned(term)
    sign = -1 if term.startswith("-") else 1
    if body.startswith(PREV + "."):
        return sign, (PREV,), body[len(PREV) + 1 :]
    return sign, (), body


def _expand(terms: tuple[str, ...], codes: tuple[str, ...], where: str) -> tuple[tuple[int, tuple, str, str], ...]:
    """Each term's codes: (sign, report prefix, code, the term as written without its sign), in term order."""
    out: list[tuple[int, tuple, str, str]] = []
    for term in terms:
        sign, prefix, code = _split(term)
        hit = [c for c in codes if c.startswith(code[:-1])] if code.endswith("*") else [code] * (code in codes)
        if not hit:
            raise ValueError(f"{CATALOGUE}: {where}: {term!r} names no codebook code")
        seen = {(p, c) for _, p, c, _ in out}
        out += [(sign, prefix, c, _unsigned(term)) for c in hit if (prefix, c) not in seen]
    return tuple(out)


def _sign(relation: str) -> str:
    return "≠" if relation == "=" else f"violates {relation}"


def _cells(terms: tuple[str, ...], eras: tuple[str, ...], where: str) -> tuple[tuple[int, tuple, str, str], ...]:
    """Full cells `table.row.column` (a line of each = one), each one a report of every era of the line may print:
    (sign, report prefix, cell, the term as written without its sign)."""
    out = []
    for term in terms:
        sign, prefix, body = _split(term)
        cell = tuple(body.split("."))
        if len(cell) != 3 or not all(cell) or any(cell not in codebook.printable_cells(e) for e in eras):
            raise ValueError(f"{CATALOGUE}: {where}: {term!r} is no codebook cell table.row.column of {eras}")
        out.append((sign, prefix, cell, _unsigned(term)))
    return tuple(out)


def _written(terms: tuple[str, ...]) -> str:
    """One side as the line writes it: 'a + b - c'."""
    return " ".join(f"{'-' if t.startswith('-') else '+'} {_unsigned(t)}" for t in terms).removeprefix("+ ")


def _relation(line: Line, severity: str, instance: str, label: str, key: str, lhs, rhs) -> Relation:
    """One instance from its resolved terms (sign, report prefix, cell, term as written) of each side."""
    signs = tuple(s for s, *_ in lhs + rhs)
    message = line.message or f"{label}: {{lhs}} {_sign(line.relation)} {{rhs}}"
    if line.each != "one":
        message = message.replace(f"{{{line.each}}}", key)
    cells = tuple(tuple(p) + tuple(c) for _, p, c, _ in lhs + rhs)
    n = len(lhs)
    return Relation(
        line.rule,
        instance,
        label,
        cells[:n],
        cells[n:],
        line.relation,
        line.tolerance,
        severity,
        line.evaluated_when,
        message,
        len({c[-3] for c in cells}) > 1,
        signs if -1 in signs else (),
        tuple(t for *_, t in lhs + rhs),
        key,
    )


def _one(line: Line, severity: str) -> list[Relation]:
    """The single instance of a line of full cells."""
    lhs_text = _written(line.lhs)
    where = f"{line.rule} {lhs_text}"
    text = f"{lhs_text} {line.relation} {_written(line.rhs)}"
    lhs, rhs = _cells(line.lhs, line.templates, where), _cells(line.rhs, line.templates, where)
    return [_relation(line, severity, f"{line.rule}|{lhs_text}", text, lhs_text, lhs, rhs)]


def _instances(line: Line) -> list[Relation]:
    eras = line.templates
    severity = codebook.rules()[line.rule]["severity"].lower()
    if line.each == "one":
        return _one(line, severity)
    each = _codes(line.table, line.each, eras)
    terms = _codes(line.table, "row" if line.each == "column" else "column", eras)
    where = f"{line.rule} {line.table}"
    lhs, rhs = _expand(line.lhs, terms, where), _expand(line.rhs, terms, where)
    text = f"{_written(line.lhs)} {line.relation} {_written(line.rhs)}"
    has = _table_cells(line.table, eras)
    out = []
    for k in each:

        def cell(code, k=k):
            return (code, k) if line.each == "column" else (k, code)

        if not all(cell(c) in has for _, _, c, _ in lhs + rhs):
            continue  # a row without one of the columns (表二), or the reverse: no instance there
        resolved = [tuple((s, p, (line.table, *cell(c)), t) for s, p, c, t in side) for side in (lhs, rhs)]
        instance = f"{line.rule}|{line.table}|{k}|{_written(line.lhs)}"
        out.append(_relation(line, severity, instance, f"{line.table} {k}: {text}", k, *resolved))
    return out


@functools.cache
def relations(template: str | None, variant: str | None = None) -> tuple[Relation, ...]:
    """The rule instances a report of this template can break on its own; a local pre-2019 form gets only those
    across tables (its own rows are its own: X9 checks them)."""
    if template is None:
        return ()
    out = tuple(r for line in lines() if template in line.templates and not line.cross_report for r in _instances(line))
    return tuple(r for r in out if r.spans_tables) if variant == "local_form" else out


@functools.cache
def cross_relations(template: str | None, prev_template: str | None) -> tuple[Relation, ...]:
    """The cross-report rule instances (terms `prev.`) a report of this template and the same body's report of the
    previous year, of prev_template, can break: the lines both templates are eras of. A cell of the previous
    report is (PREV, table, row, column): evaluate them on `pair_values(this, previous)`."""
    return tuple(
        replace(r, related_template=prev_template)
        for line in lines()
        if line.cross_report and template in line.templates and prev_template in line.templates
        for r in _instances(line)
    )


def pair_values(this: dict, previous: dict) -> dict:
    """One mapping of a report's cells and the previous year's (keys (PREV, table, row, column)), for evaluate."""
    return {**this, **{(PREV, *k): v for k, v in previous.items()}}


def term_values(values, relation: Relation) -> dict[str, float]:
    """Each term of the relation (as the line writes it, without sign) -> its cell's value (blank or absent: 0),
    for a message's {<term>} placeholders."""
    return {t: float(values.get(c) or 0) for t, c in zip(relation.terms, relation.lhs + relation.rhs, strict=True)}


def _rows(template: str, r: Relation) -> list[dict]:
    """One relation for the warehouse: one row per side and cell."""
    lo, hi = bounds(r.relation, r.tolerance)
    out = []
    n = len(r.lhs)
    for side, cells, first in (("lhs", r.lhs, 0), ("rhs", r.rhs, n)):
        for seq, cell in enumerate(cells):
            out.append(
                {
                    "template": template,
                    "related_template": r.related_template,
                    "rule_id": r.rule,
                    "instance_id": r.instance,
                    "instance_key": r.key,
                    "label": r.label,
                    "message": r.message,
                    "evaluated_when": r.evaluated_when,
                    "spans_tables": r.spans_tables,
                    "relation": r.relation,
                    "tolerance": r.tolerance,
                    "lower_bound": lo,
                    "upper_bound": hi,
                    "side": side,
                    "cell_seq": seq,
                    "n_cells": n + len(r.rhs),
                    "sign": r.signs[first + seq] if r.signs else 1,
                    "term": r.terms[first + seq],
                    "report_offset": -1 if len(cell) == 4 else 0,
                    "table_code": cell[-3],
                    "row_code": cell[-2],
                    "column_code": cell[-1],
                }
            )
    return out


def compiled_rows() -> list[dict]:
    """The per-report rules compiled for the warehouse (raw.rule_relations, related_template null): one row per
    template, rule instance, side and cell, with the bounds its residual (lhs − rhs) must lie within; the dbt
    residual model reads only these."""
    return [row for template in codebook.TEMPLATES for r in relations(template) for row in _rows(template, r)]


def compiled_cross_rows() -> list[dict]:
    """The cross-report rules compiled for the warehouse (raw.rule_relations with related_template, the previous
    year's template; report_offset -1 on its cells): the cross-year model reads only these."""
    return [
        row
        for template in codebook.TEMPLATES
        for prev in codebook.TEMPLATES
        for r in cross_relations(template, prev)
        for row in _rows(template, r)
    ]
