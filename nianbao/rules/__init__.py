"""The rules as data (spec/rule_relations.csv): compiled once into relations every consumer evaluates, within a
report (R1–R4, R8, O1–O8) and across a body's consecutive reports (R5–R7)."""

from nianbao.rules.catalogue import (
    PREV,
    Line,
    Relation,
    catalogue_path,
    compiled_cross_rows,
    compiled_rows,
    cross_relations,
    cross_rule_ids,
    lines,
    pair_values,
    relations,
    reload,
    rule_ids,
    term_values,
)
from nianbao.rules.evaluate import EPS, bounds, evaluate, fmt, holds, message

__all__ = [
    "EPS",
    "PREV",
    "Line",
    "Relation",
    "bounds",
    "catalogue_path",
    "compiled_cross_rows",
    "compiled_rows",
    "cross_relations",
    "cross_rule_ids",
    "evaluate",
    "fmt",
    "holds",
    "lines",
    "message",
    "pair_values",
    "relations",
    "reload",
    "rule_ids",
    "term_values",
]
