"""The rule catalogue (spec/rule_relations.csv beside rules.csv) read and expanded into relations between cells.

A line of the catalogue is one relation `lhs relation rhs` between sums of cells ('+'-separated terms); `relation`
is =, >= or <=, `tolerance` the absolute slack the relation allows. `each` says what one instance is:
- `column` / `row`: the cells are of one codebook table (`table`): one instance per column of the table, its terms
  naming rows, or one per row, its terms naming columns; a term is a codebook code, `prefix*` every code of the
  table starting with prefix. Codes are expanded over the table's rows or columns of every era of the line, so a
  report printing another national era's row (a hybrid) has it counted.
- `one`: one instance, its terms full cells `table.row.column` of any tables (`table` left blank): a figure of the
  prose against its table figure (R8).
`evaluated_when` says when an instance is decided: `any_cell` (blank: the default) unless every cell is blank or
absent; `each_side` only when each side has a printed cell (a blank one counts, as 0): a figure stated in one place
is compared only with a figure the report printed in the other. `message` is how a broken instance reads, `{lhs}`
and `{rhs}` standing for the two sums (blank: `<label>: {lhs} ≠ {rhs}`, or `violates >=` / `<=`). A rule's eras
and severity are rules.csv's (a blank `templates` means the rule's own templates there; else era codes of
spec/eras.csv). A local pre-2019 form's rows are its own (X9 checks them): it gets only the relations of cells
across tables.
"""

import csv
import functools
from dataclasses import dataclass

from nianbao import codebook
from nianbao import eras as registry
from nianbao.rules.evaluate import bounds

CELL = tuple[str, str, str]  # (table, row, column)
RELATIONS = ("=", ">=", "<=")
EACH = ("column", "row", "one")
WHEN = ("any_cell", "each_side")
CATALOGUE = "rule_relations.csv"


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
    evaluated_when: str  # any_cell | each_side (see the module's docstring)
    message: str  # how a broken instance reads: {lhs} and {rhs} stand for the two sums
    spans_tables: bool  # its cells lie in more than one table (a local form keeps only these)


def catalogue_path():
    """Path of the catalogue: spec/rule_relations.csv, beside rules.csv (codebook.spec_path)."""
    return codebook.spec_path(CATALOGUE)


def reload() -> None:
    """Forget what was read and compiled (rules.csv and the catalogue), so the next use reads the files again."""
    for f in (codebook.rules, lines, relations, _codes):
        f.cache_clear()


def _terms(text: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in text.split("+") if t.strip())


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
            out.append(
                Line(
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
            )
    for rule in {x.rule for x in out}:
        kinds = {(x.relation, x.tolerance, x.evaluated_when) for x in out if x.rule == rule}
        if len(kinds) > 1:
            raise ValueError(
                f"{CATALOGUE}: the lines of {rule} differ in relation, tolerance or evaluated_when: {sorted(kinds)}"
            )
    return tuple(out)


def rule_ids() -> tuple[str, ...]:
    """Rule ids of the catalogue, in catalogue order."""
    return tuple(dict.fromkeys(x.rule for x in lines()))


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


def _expand(terms: tuple[str, ...], codes: tuple[str, ...], where: str) -> tuple[str, ...]:
    out: list[str] = []
    for term in terms:
        hit = [c for c in codes if c.startswith(term[:-1])] if term.endswith("*") else [term] * (term in codes)
        if not hit:
            raise ValueError(f"{CATALOGUE}: {where}: {term!r} names no codebook code")
        out += [c for c in hit if c not in out]
    return tuple(out)


def _sign(relation: str) -> str:
    return "≠" if relation == "=" else f"violates {relation}"


def _cells(terms: tuple[str, ...], eras: tuple[str, ...], where: str) -> tuple[CELL, ...]:
    """Full cells `table.row.column` (a line of each = one), each one a report of every era of the line may print."""
    out = []
    for term in terms:
        cell = tuple(term.split("."))
        if len(cell) != 3 or not all(cell) or any(cell not in codebook.printable_cells(e) for e in eras):
            raise ValueError(f"{CATALOGUE}: {where}: {term!r} is no codebook cell table.row.column of {eras}")
        out.append(cell)
    return tuple(out)


def _one(line: Line, severity: str) -> list[Relation]:
    """The single instance of a line of full cells."""
    where = f"{line.rule} {' + '.join(line.lhs)}"
    text = f"{' + '.join(line.lhs)} {line.relation} {' + '.join(line.rhs)}"
    lhs, rhs = _cells(line.lhs, line.templates, where), _cells(line.rhs, line.templates, where)
    return [
        Relation(
            line.rule,
            f"{line.rule}|{' + '.join(line.lhs)}",
            text,
            lhs,
            rhs,
            line.relation,
            line.tolerance,
            severity,
            line.evaluated_when,
            line.message or f"{text}: {{lhs}} {_sign(line.relation)} {{rhs}}",
            len({c[0] for c in lhs + rhs}) > 1,
        )
    ]


def _instances(line: Line) -> list[Relation]:
    eras = line.templates
    severity = codebook.rules()[line.rule]["severity"].lower()
    if line.each == "one":
        return _one(line, severity)
    each = _codes(line.table, line.each, eras)
    terms = _codes(line.table, "row" if line.each == "column" else "column", eras)
    where = f"{line.rule} {line.table}"
    lhs, rhs = _expand(line.lhs, terms, where), _expand(line.rhs, terms, where)
    text = f"{' + '.join(line.lhs)} {line.relation} {' + '.join(line.rhs)}"
    out = []
    for k in each:

        def cell(code, k=k):
            return (line.table, code, k) if line.each == "column" else (line.table, k, code)

        label = f"{line.table} {k}: {text}"
        out.append(
            Relation(
                line.rule,
                f"{line.rule}|{line.table}|{k}|{' + '.join(line.lhs)}",
                label,
                tuple(map(cell, lhs)),
                tuple(map(cell, rhs)),
                line.relation,
                line.tolerance,
                severity,
                line.evaluated_when,
                line.message or f"{label}: {{lhs}} {_sign(line.relation)} {{rhs}}",
                False,
            )
        )
    return out


@functools.cache
def relations(template: str | None, variant: str | None = None) -> tuple[Relation, ...]:
    """The rule instances a report of this template can break; a local pre-2019 form gets only those across tables
    (its own rows are its own: X9 checks them)."""
    if template is None:
        return ()
    out = tuple(r for line in lines() if template in line.templates for r in _instances(line))
    return tuple(r for r in out if r.spans_tables) if variant == "local_form" else out


def compiled_rows() -> list[dict]:
    """The catalogue compiled for the warehouse (raw.rule_relations): one row per template, rule instance, side and
    cell, with the bounds its residual (lhs − rhs) must lie within; the dbt residual model reads only this."""
    out = []
    for template in codebook.TEMPLATES:
        for r in relations(template):
            lo, hi = bounds(r.relation, r.tolerance)
            for side, cells in (("lhs", r.lhs), ("rhs", r.rhs)):
                for seq, (t, row, col) in enumerate(cells):
                    out.append(
                        {
                            "template": template,
                            "rule_id": r.rule,
                            "instance_id": r.instance,
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
                            "table_code": t,
                            "row_code": row,
                            "column_code": col,
                        }
                    )
    return out
