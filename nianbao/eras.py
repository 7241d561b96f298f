"""The registry of template eras (spec/eras.csv): each era's code, codebook era, family, tables and detection hints."""

import csv
import functools
from dataclasses import dataclass

# families: how an era's tables are read. national = 表二/表三/表四 (parse/national.py), legacy = a 统计表
# (parse/legacy.py, parse/local_forms.py), prose = no table (only the figures stated in the text)
NATIONAL, LEGACY, PROSE = "national", "legacy", "prose"
FAMILIES = (NATIONAL, LEGACY, PROSE)


@dataclass(frozen=True, slots=True)
class Era:
    """One row of eras.csv."""

    template: str  # the code the extractor, the CLI JSON and the warehouse use
    codebook_era: str | None  # the era as codebook.csv's `template` column spells it (None: no codebook table)
    family: str
    tables: tuple[str, ...]  # its codebook tables in printed order
    first_year: int | None  # detection hint: the report years the template is meant for (None: open)
    last_year: int | None
    markers: tuple[str, ...]  # detection hint: labels printed only in this era's tables of its family
    marker_prefix: int | None  # a label matches a marker when it begins with the marker's first so many characters
    description: str

    def covers(self, year: int | None) -> bool:
        """Whether a report of that year falls in the era's years."""
        return year is not None and (self.first_year or year) <= year <= (self.last_year or year)


def _int(text: str) -> int | None:
    return int(text) if text.strip() else None


def _split(text: str) -> tuple[str, ...]:
    return tuple(p for p in text.split("|") if p)


@functools.cache
def registry() -> tuple[Era, ...]:
    """Every era, in the order detection tries them (eras.csv's order)."""
    from nianbao.codebook import spec_path  # codebook imports this module

    with spec_path("eras.csv").open(encoding="utf-8") as f:
        out = tuple(
            Era(
                r["template"],
                r["codebook_era"] or None,
                r["family"],
                _split(r["tables"]),
                _int(r["first_year"]),
                _int(r["last_year"]),
                _split(r["markers"]),
                _int(r["marker_prefix"]),
                r["description"],
            )
            for r in csv.DictReader(f, strict=True)
        )
    bad = [e.template for e in out if e.family not in FAMILIES or (e.codebook_era is None) != (not e.tables)]
    if bad or len({e.template for e in out}) != len(out):
        raise ValueError(f"eras.csv: unknown family, tables without a codebook era, or a repeated code: {bad}")
    return out


def templates() -> tuple[str, ...]:
    """Every template code, in registry order."""
    return tuple(e.template for e in registry())


def get(template: str) -> Era:
    """The era of a template code (KeyError for an unknown one)."""
    for e in registry():
        if e.template == template:
            return e
    raise KeyError(template)


def of_family(family: str) -> tuple[str, ...]:
    """The template codes of one family, in registry order."""
    return tuple(e.template for e in registry() if e.family == family)


def family(template: str | None) -> str | None:
    """The family of a template code; None for an unknown code."""
    return next((e.family for e in registry() if e.template == template), None)


def is_national(template: str | None) -> bool:
    return family(template) == NATIONAL


def is_legacy(template: str | None) -> bool:
    return family(template) == LEGACY


def with_tables() -> tuple[str, ...]:
    """The template codes that have statistics tables (every family but prose)."""
    return tuple(e.template for e in registry() if e.tables)


def owner(table_code: str) -> str:
    """The one era whose tables include table_code (a table several eras share has no single owner)."""
    found = [e.template for e in registry() if table_code in e.tables]
    if len(found) != 1:
        raise ValueError(f"table {table_code} belongs to {found or 'no era'}, not to exactly one")
    return found[0]


def default() -> str:
    """The template of a report with no statistics table: the (first) prose era."""
    return of_family(PROSE)[0]


def clear_caches() -> None:
    """Forget the loaded registry and the codebook (after pointing spec_path at another copy, in tests)."""
    from nianbao import codebook

    registry.cache_clear()
    for fn in (codebook.entries, codebook.tables, codebook.prose_rows, codebook.printable_cells, codebook.rules):
        fn.cache_clear()
