"""How each figure of a report was read: located (a recognised row's own cell), inferred (by position, split from
printed text, stated in words) or blank."""

from bisect import bisect_right

from nianbao import eras, findings
from nianbao.document import Document, Paragraph
from nianbao.parse.labels import LABEL_MAX, core, matches
from nianbao.report import Figure, Report, location_json
from nianbao.values import NONE_WORD, TEXT, parse_value

PROSE = "prose_metrics"
BACK = 40  # how many value lines a flattened row's label may sit above its cell


class _Lookup:
    """A document's table rows' label texts and its paragraphs by text offset, built lazily once per report."""

    def __init__(self, doc: Document):
        self.doc = doc
        self._tables: dict | None = None
        self._rows: dict[int, dict[int, list[str]]] = {}
        self._paras: list[Paragraph] | None = None
        self.named: dict[tuple, bool] = {}  # (where, label) -> the label there names the row
        self._above: dict[int, int | None] = {}

    def _split(self) -> None:
        """Tables by index and the paragraphs with a span, in one pass over the blocks."""
        self._tables, self._paras = {}, []
        for b in self.doc.blocks:
            if b.__class__ is Paragraph:
                if b.char_span:
                    self._paras.append(b)
            else:
                self._tables[b.index] = b
        self.starts = [p.char_span[0] for p in self._paras]

    def row_labels(self, table_index: int, row: int) -> list[str]:
        """Texts (not values) of the cells covering one table row."""
        rows = self._rows.get(table_index)
        if rows is None:  # one pass over the table: its label texts by the rows they cover
            if self._tables is None:
                self._split()
            rows = self._rows[table_index] = {}
            t = self._tables.get(table_index)
            for c in t.cells if t is not None else ():
                text = c.text
                if text and not text.isdigit() and _is_label(text):
                    for r in range(c.row, c.row + c.rowspan):
                        rows.setdefault(r, []).append(text)
        return rows.get(row, [])

    def label_above(self, start: int) -> str | None:
        """The nearest text paragraph before the paragraph at `start`, over value lines only."""
        if self._tables is None:
            self._split()
        k = bisect_right(self.starts, start) - 1
        j = self._label_before(k)
        return None if j is None or k - j > BACK else self._paras[j].text

    def _label_before(self, k: int) -> int | None:
        """Index of the nearest text paragraph before paragraph k (memoised: value lines share it)."""
        if k in self._above:
            return self._above[k]
        j = k - 1
        while j >= 0 and not _is_label(self._paras[j].text):
            if j in self._above:  # a value line whose label is known
                self._above[k] = self._above[j]
                return self._above[j]
            j -= 1
        self._above[k] = j if j >= 0 else None
        return self._above[k]


def _is_label(text: str) -> bool:
    """A text that can be a row label: not a number, blank, dash or 无 (the common digits decided without parsing)."""
    if text.isdigit() or len(text) > LABEL_MAX:
        return False
    return parse_value(text).kind == TEXT


def _names(printed: str, label: str | None) -> bool:
    """A printed label names the figure's template row (an annotated or truncated label included)."""
    if not label:
        return False
    lc = core(label)
    if matches(printed, lc):
        return True
    pc = core(printed)
    return len(pc) >= 2 and (pc in lc or lc in pc)


def _inside_digits(text: str, span: tuple[int, int]) -> bool:
    """The span is part of a longer run of digits: a cell cut out of fused printed digits ("00" → 0 | 0)."""
    return (span[0] > 0 and text[span[0] - 1].isdigit()) or (span[1] < len(text) and text[span[1]].isdigit())


def why_inferred(f: Figure, look: _Lookup) -> str | None:
    """None when the figure was read from a recognised row's own cell; else how it was inferred."""
    if f.kind == NONE_WORD:
        return "stated_in_words"  # 无 / 未收到申请 read as 0
    loc = f.location
    span = loc[4]
    if span is None:
        return "no_location"
    if f.table == PROSE:
        return None
    text = look.doc.text
    raw, printed = f.raw, text[span[0] : span[1]]
    if (printed != raw and printed.strip() != raw.strip()) or _inside_digits(text, span):
        return "split_from_printed_text"  # e.g. fused digits "0 00" split by the template's cell count
    table_index = loc[1]
    if table_index is not None:
        key = (table_index, loc[2], f.label)
        named = look.named.get(key)
        if named is None:
            labels = look.row_labels(table_index, loc[2])
            # a row of values only is placed by the header (表四 as the template prints it)
            named = look.named[key] = not labels or any(_names(t, f.label) for t in labels)
        return None if named else "by_position"
    key = (span[0], f.label)
    named = look.named.get(key)
    if named is None:
        above = look.label_above(span[0])
        named = look.named[key] = above is not None and _names(above, f.label)
    return None if named else "by_position"


def classify(doc: Document, report: Report) -> dict:
    """Counts of located, inferred and blank mapped cells, and the inferred cells with why."""
    look = _Lookup(doc)
    text, named = doc.text, look.named
    located = blank = 0
    inferred = []
    rows_located, rows_present = set(), set()
    n = len(text)
    for f in report.figures:  # the common case (a table cell in its labelled row) decided inline: every report
        if not f.mapped:
            continue
        row_key = (f.table, f.row)
        rows_present.add(row_key)
        if f.value is None:
            blank += 1
            continue
        loc = f.location
        span, table_index = loc[4], loc[1]
        if table_index is not None and span is not None and f.kind != NONE_WORD:
            a, b = span
            if (
                named.get((table_index, loc[2], f.label))
                and (b - a == len(f.raw) or text[a:b].strip() == f.raw)
                and not (a > 0 and text[a - 1].isdigit())
                and not (b < n and text[b].isdigit())
            ):
                located += 1
                rows_located.add(row_key)
                continue
        why = why_inferred(f, look)
        if why is None:
            located += 1
            rows_located.add((f.table, f.row))
        else:
            inferred.append(
                {
                    "table": f.table,
                    "row": f.row,
                    "column": f.column,
                    "value": f.value,
                    "raw": f.raw,
                    "why": why,
                    "location": location_json(f.location),
                }
            )
    rows_inferred = {(c["table"], c["row"]) for c in inferred} - rows_located
    template = (
        set(findings.template_rows(report.template))
        if (report.template in eras.with_tables() and report.variant != "local_form")
        else set()
    )
    rows = {
        "located": len(rows_located),
        "inferred": len(rows_inferred),
        "blank": len(rows_present - rows_located - rows_inferred),
        "missing": len(template - rows_present),
    }
    return {"located": located, "inferred": len(inferred), "blank": blank, "inferred_cells": inferred, "rows": rows}
