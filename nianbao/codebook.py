"""The codebook contract (spec/codebook.csv): tables, rows and columns of every template era, and their cells."""

import csv
import functools
from dataclasses import dataclass
from importlib import resources

from nianbao import eras


@dataclass(frozen=True, slots=True)
class Entry:
    """One codebook line: a row or column of a table in one or more template eras."""

    templates: tuple[str, ...]
    table: str
    dimension: str
    code: str
    label: str
    parent: str
    unit: str
    note: str


@dataclass(frozen=True, slots=True)
class TableSpec:
    """A table of one template: its rows and columns in printed order, and the cells they make."""

    template: str
    table: str
    rows: tuple[Entry, ...]
    columns: tuple[Entry, ...]

    def columns_for(self, row: Entry) -> tuple[Entry, ...]:
        """Columns that row has: in 表二 a column belongs to some sub-tables (art20_*) only."""
        if self.table != "t2_proactive":
            return self.columns
        return tuple(c for c in self.columns if row.parent in c.parent.split("|"))

    def cells(self) -> list[tuple[str, str]]:
        return [(r.code, c.code) for r in self.rows for c in self.columns_for(r)]

    def row(self, code: str) -> Entry:
        return next(r for r in self.rows if r.code == code)


def spec_path(name: str):
    """Path of a bundled spec file (codebook.csv, rules.csv, eras.csv)."""
    return resources.files("nianbao") / "spec" / name


# every template code (spec/eras.csv), as loaded at import: eras.templates() reads the registry itself
TEMPLATES = eras.templates()


@functools.cache
def entries() -> tuple[Entry, ...]:
    with spec_path("codebook.csv").open(encoding="utf-8") as f:
        return tuple(
            Entry(
                tuple(r["template"].split("|")),
                r["table_code"],
                r["dimension"],
                r["code"],
                r["label_zh"],
                r["parent_code"],
                r["unit"],
                r["note"],
            )
            for r in csv.DictReader(f)
        )


@functools.cache
def tables(template: str) -> tuple[TableSpec, ...]:
    """The statistics tables of a template, in printed order (eras.csv's `tables`; prose has none)."""
    reg = eras.get(template)
    era, order = reg.codebook_era, reg.tables
    return tuple(
        TableSpec(
            template,
            t,
            tuple(e for e in entries() if e.table == t and era in e.templates and e.dimension == "row"),
            tuple(e for e in entries() if e.table == t and era in e.templates and e.dimension == "column"),
        )
        for t in order
    )


@functools.cache
def prose_rows() -> tuple[Entry, ...]:
    return tuple(e for e in entries() if e.table == "prose_metrics" and e.dimension == "row")


@functools.cache
def printable_cells(template: str | None) -> frozenset[tuple[str, str, str]]:
    """(table, row, column) a report of this template may carry: its own cells, for a national era also the
    cells of the same tables in the other national era (hybrid reports), and the prose metrics of any report."""
    # national eras print each other's rows (hybrids: a 2021 表三 with 2019's single （六）其他处理 row)
    cells = {("prose_metrics", r.code, "value") for r in prose_rows()}
    known = eras.templates()
    alike = eras.of_family(eras.NATIONAL) if eras.is_national(template) else (template,)
    own = {t.table for t in tables(template)} if template in known else set()
    for era in alike:
        if era in known:
            cells |= {(t.table, r, c) for t in tables(era) if t.table in own for r, c in t.cells()}
    return frozenset(cells)


def table(template: str, table_code: str) -> TableSpec:
    return next(t for t in tables(template) if t.table == table_code)


@functools.cache
def rules() -> dict[str, dict[str, str]]:
    """rules.csv by rule id."""
    with spec_path("rules.csv").open(encoding="utf-8") as f:
        out = {}
        for r in csv.DictReader(f, strict=True):
            out[r["rule_id"]] = r
        return out
