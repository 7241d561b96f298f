"""The codebook contract (spec/codebook.csv): tables, rows and columns of every template era, and their cells."""

import csv
import functools
from dataclasses import dataclass
from importlib import resources

TEMPLATES = ("2019", "2021", "pre2019_table", "prose")
# codebook.csv names the pre-2019 統計表 era "pre2019"; the CLI and warehouse call the template "pre2019_table"
_CODEBOOK_ERA = {"2019": "2019", "2021": "2021", "pre2019_table": "pre2019", "prose": None}


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
    """Path of a bundled spec file (codebook.csv, rules.csv)."""
    return resources.files("nianbao") / "spec" / name


@functools.cache
def entries() -> tuple[Entry, ...]:
    with spec_path("codebook.csv").open(encoding="utf-8") as f:
        return tuple(
            Entry(tuple(r["template"].split("|")), r["table_code"], r["dimension"], r["code"], r["label_zh"],
                  r["parent_code"], r["unit"], r["note"])
            for r in csv.DictReader(f))


@functools.cache
def tables(template: str) -> tuple[TableSpec, ...]:
    """The statistics tables of a template, in printed order (prose has none)."""
    era = _CODEBOOK_ERA[template]
    if era is None:
        return ()
    order: list[str] = []
    for e in entries():
        if era in e.templates and e.table not in order:
            order.append(e.table)
    return tuple(
        TableSpec(template, t,
                  tuple(e for e in entries() if e.table == t and era in e.templates and e.dimension == "row"),
                  tuple(e for e in entries() if e.table == t and era in e.templates and e.dimension == "column"))
        for t in order)


@functools.cache
def prose_rows() -> tuple[Entry, ...]:
    return tuple(e for e in entries() if e.table == "prose_metrics" and e.dimension == "row")


# eras whose reports print each other's rows (hybrids: a 2021 表三 with 2019's single （六）其他处理 row)
NATIONAL_ERAS = ("2019", "2021")


@functools.cache
def printable_cells(template: str | None) -> frozenset[tuple[str, str, str]]:
    """(table, row, column) a report of this template may carry: its own cells, for a national era also the
    cells of the same tables in the other national era (hybrid reports), and the prose metrics of any report."""
    cells = {("prose_metrics", r.code, "value") for r in prose_rows()}
    eras = NATIONAL_ERAS if template in NATIONAL_ERAS else (template,)
    own = {t.table for t in tables(template)} if template in TEMPLATES else set()
    for era in eras:
        if era in TEMPLATES:
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
