"""The within-report rules as data (spec/rule_relations.csv): compiled once into relations every consumer evaluates."""

from nianbao.rules.catalogue import Line, Relation, catalogue_path, compiled_rows, lines, relations, reload, rule_ids
from nianbao.rules.evaluate import EPS, bounds, evaluate, fmt, holds, message

__all__ = [
    "EPS",
    "Line",
    "Relation",
    "bounds",
    "catalogue_path",
    "compiled_rows",
    "evaluate",
    "fmt",
    "holds",
    "lines",
    "message",
    "relations",
    "reload",
    "rule_ids",
]
