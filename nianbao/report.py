"""The parsed report: metadata, figures in codebook codes with provenance, and findings; serialised per spec/cli.md."""

from dataclasses import dataclass, field

from nianbao import eras

Location = tuple  # (page, table_index, row_index, column_index, char_span): hundreds per report, so a tuple


def location(page=None, table_index=None, row_index=None, column_index=None, char_span=None) -> Location:
    """Where a value was read; char_span points into Document.text."""
    return (page, table_index, row_index, column_index, char_span)


def location_json(loc: Location) -> dict:
    page, table, row, col, span = loc
    return {
        "page": page,
        "table_index": table,
        "row_index": row,
        "column_index": col,
        "char_span": [span[0], span[1]] if span else None,
    }


@dataclass(slots=True)
class Figure:
    """One cell of a template table (or one prose metric) in codebook codes; `mapped` is False for printed
    numbers that fit no codebook cell (kept, never dropped)."""

    table: str
    row: str
    column: str
    value: int | float | None
    raw: str
    location: Location
    approximate: bool = False
    unit: str | None = None
    kind: str = "number"
    mapped: bool = True
    label: str | None = None

    def to_json(self) -> dict:
        page, table, row, col, span = self.location
        return {
            "table": self.table,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "raw": self.raw,
            "approximate": self.approximate,
            "unit": self.unit,
            "kind": self.kind,
            "mapped": self.mapped,
            "label": self.label,
            "location": {
                "page": page,
                "table_index": table,
                "row_index": row,
                "column_index": col,
                "char_span": [span[0], span[1]] if span else None,
            },
        }  # location_json, inlined: hot


@dataclass(slots=True)
class Finding:
    """A rule of spec/rules.csv (or an X-prefixed rule of ours) that the report's own numbers break."""

    rule: str
    severity: str
    message: str
    cells: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"rule": self.rule, "severity": self.severity, "message": self.message, "cells": self.cells}


@dataclass
class Report:
    """Everything parsed from one document."""

    agency: str | None = None
    region: dict = field(default_factory=lambda: {"province": None, "city": None, "county": None, "code": None})
    report_year: int | None = None
    template: str = field(default_factory=eras.default)  # spec/eras.csv: no table found yet
    variant: str = "national"  # or local_form: a pre-2019 local 统计表 mapped as far as it fits
    published_on: str | None = None
    figures: list[Figure] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    evidence: dict = field(default_factory=dict)

    def meta_json(self) -> dict:
        """The report's metadata as spec/cli.md prints it, with the body's kind and R12 deadline (nianbao.bodies)."""
        from nianbao import bodies

        kind = bodies.kind_of_body(self.agency)
        due = bodies.deadline(self.report_year, kind)
        return {
            "agency": self.agency,
            "region": dict(self.region),
            "report_year": self.report_year,
            "template": self.template,
            "template_variant": self.variant,
            "published_on": self.published_on,
            "kind_of_body": kind,
            "deadline": due.isoformat() if due else None,
        }

    def value(self, table: str, row: str, column: str = "value"):
        """The value of a mapped cell, or None when absent or blank."""
        for f in self.figures:
            if f.mapped and f.table == table and f.row == row and f.column == column:
                return f.value
        return None
