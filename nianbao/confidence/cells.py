"""How each figure of a report was read: located (a recognised row's own cell), inferred (by position, split from
printed text, stated in words) or blank."""

from bisect import bisect_right

from nianbao.document import Document, Paragraph
from nianbao.parse.labels import LABEL_MAX, core, matches
from nianbao.report import Figure, Report, location_json
from nianbao.values import NONE_WORD, TEXT, parse_value

PROSE = "prose_metrics"
BACK = 40  # how many value lines a flattened row's label may sit above its cell


class _Lookup:
    """A document's tables by index and its paragraphs by text offset, built once per report."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.tables = {t.index: t for t in doc.tables}
        paras = [b for b in doc.blocks if isinstance(b, Paragraph) and b.char_span]
        self.paras = paras
        self.starts = [p.char_span[0] for p in paras]
        self.row_texts: dict[tuple[int, int], list[str]] = {}

    def row_labels(self, table_index: int, row: int) -> list[str]:
        """Texts (not values) of the cells covering one table row."""
        key = (table_index, row)
        got = self.row_texts.get(key)
        if got is None:
            t = self.tables.get(table_index)
            got = [] if t is None else [c.text for c in t.cells if c.row <= row < c.row + c.rowspan
                                        and len(c.text) <= LABEL_MAX and parse_value(c.text).kind == TEXT]
            self.row_texts[key] = got
        return got

    def label_above(self, start: int) -> str | None:
        """The nearest text paragraph before the paragraph at `start`, over value lines only."""
        k = bisect_right(self.starts, start) - 1
        for j in range(k - 1, max(k - 1 - BACK, -1), -1):
            text = self.paras[j].text
            if parse_value(text).kind == TEXT:
                return text
        return None


def _names(printed: str, label: str | None) -> bool:
    """A printed label names the figure's template row (an annotated or truncated label included)."""
    if not label:
        return False
    lc = core(label)
    if matches(printed, lc):
        return True
    pc = core(printed)
    return len(pc) >= 2 and (pc in lc or lc in pc)


def why_inferred(f: Figure, look: _Lookup) -> str | None:
    """None when the figure was read from a recognised row's own cell; else how it was inferred."""
    if f.kind == NONE_WORD:
        return "stated_in_words"  # 无 / 未收到申请 read as 0
    page, table_index, row, _col, span = f.location
    if span is None:
        return "no_location"
    printed = look.doc.text[span[0]:span[1]].strip()
    if printed != f.raw.strip() and f.table != PROSE:
        return "split_from_printed_text"  # e.g. fused digits "0 00" split by the template's cell count
    if f.table == PROSE:
        return None
    if table_index is not None:
        labels = look.row_labels(table_index, row)
        if not labels:
            return None  # a row of values only: the header places it (表四 as the template prints it)
        return None if any(_names(t, f.label) for t in labels) else "by_position"
    above = look.label_above(span[0])
    return None if above is not None and _names(above, f.label) else "by_position"


def classify(doc: Document, report: Report) -> dict:
    """Counts of located, inferred and blank mapped cells, and the inferred cells with why."""
    look = _Lookup(doc)
    located = blank = 0
    inferred = []
    for f in report.figures:
        if not f.mapped:
            continue
        if f.value is None:
            blank += 1
            continue
        why = why_inferred(f, look)
        if why is None:
            located += 1
        else:
            inferred.append({"table": f.table, "row": f.row, "column": f.column, "value": f.value, "raw": f.raw,
                             "why": why, "location": location_json(f.location)})
    return {"located": located, "inferred": len(inferred), "blank": blank, "inferred_cells": inferred}
