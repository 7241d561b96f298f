"""The rule catalogue (spec/rule_relations.csv beside rules.csv) read and expanded into relations between cells.

A line of the catalogue relates cells of one codebook table: `each` says what one relation instance is (one per
column of the table, its terms naming rows; or one per row, its terms naming columns), `lhs` and `rhs` are sums of
codebook codes ('+'-separated; `prefix*` is every code of the table starting with prefix), `relation` is =, >= or
<=, `tolerance` the absolute slack the relation allows. A rule's eras and severity are rules.csv's (a blank
`templates` means the rule's own templates there). Codes are expanded over the table's codebook rows or columns of
every era of the line, so a report printing another national era's row (a hybrid) has it counted.
"""

import csv
import functools
from dataclasses import dataclass

from nianbao import codebook
from nianbao.rules.evaluate import bounds

CELL = tuple[str, str, str]  # (table, row, column)
RELATIONS = ("=", ">=", "<=")
EACH = ("column", "row")
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
            if r["relation"] not in RELATIONS or r["each"] not in EACH:
                raise ValueError(f"{CATALOGUE}:{n}: relation {r['relation']!r} / each {r['each']!r} unknown")
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
                )
            )
    for rule in {x.rule for x in out}:
        kinds = {(x.relation, x.tolerance) for x in out if x.rule == rule}
        if len(kinds) > 1:
            raise ValueError(f"{CATALOGUE}: the lines of {rule} differ in relation or tolerance: {sorted(kinds)}")
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


def _instances(line: Line) -> list[Relation]:
    eras = line.templates
    severity = codebook.rules()[line.rule]["severity"].lower()
    each = _codes(line.table, line.each, eras)
    terms = _codes(line.table, "row" if line.each == "column" else "column", eras)
    where = f"{line.rule} {line.table}"
    lhs, rhs = _expand(line.lhs, terms, where), _expand(line.rhs, terms, where)
    text = f"{' + '.join(line.lhs)} {line.relation} {' + '.join(line.rhs)}"
    out = []
    for k in each:

        def cell(code, k=k):
            return (line.table, code, k) if line.each == "column" else (line.table, k, code)

        out.append(
            Relation(
                line.rule,
                f"{line.rule}|{line.table}|{k}|{' + '.join(line.lhs)}",
                f"{line.table} {k}: {text}",
                tuple(map(cell, lhs)),
                tuple(map(cell, rhs)),
                line.relation,
                line.tolerance,
                severity,
            )
        )
    return out


@functools.cache
def relations(template: str | None, variant: str | None = None) -> tuple[Relation, ...]:
    """The rule instances a report of this template can break; a local pre-2019 form gets none (its rows are its
    own: X9 checks them)."""
    if variant == "local_form" or template is None:
        return ()
    return tuple(r for line in lines() if template in line.templates for r in _instances(line))


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
