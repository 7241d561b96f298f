"""A document as one stream of cell tokens in reading order, the shape every flattened layout shares.

Paragraph lines and table cells (anchors, row-major) become tokens carrying their location. Runs of
single characters (vertical text of a merged cell, one character per line) are joined back into one label.
"""

import functools
import operator
import re

from nianbao.document import Document, Paragraph
from nianbao.parse.labels import compact
from nianbao.values import BLANK, TEXT, ZH_NUMERAL, Value, parse_value

# a page number line left by a page break: "- 5 -", "第 3 页", "3/12"
PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})\s*$"
)


def _lexeme(text: str) -> tuple[Value, bool, bool, bool, bool]:
    """What a printed text is, whatever its place: (value, is_value, is_blank, is_page_number, single_char)."""
    value = parse_value(text)
    return value, value.kind != TEXT, value.kind == BLANK, is_page_number(text), _one_char(text, value)


# memoised for short texts (cell texts like '0', '', labels repeat within and across documents); a sentence
# (over 40 characters) is classified afresh, so that the memo does not fill with prose
_short_lexeme = functools.lru_cache(maxsize=100_000)(_lexeme)


class Token:
    """One cell or line: its printed text, parsed value, where it is, and the table row it sits in (if any).

    The location is a plain tuple (page, table_index, row_index, column_index, char_span), as in reports.
    """

    __slots__ = ("text", "value", "loc", "row_key", "is_value", "is_blank", "single")

    def __init__(
        self,
        text: str,
        value: Value,
        loc: tuple,
        row_key: tuple[int, int] | None,
        is_value: bool,
        is_blank: bool,
        single: bool = False,
    ):
        self.text = text
        self.value = value
        self.loc = loc
        self.row_key = row_key  # (table index, row index) of a table cell; None for a paragraph line
        self.is_value = is_value
        self.is_blank = is_blank
        self.single = single  # one character of possible vertical text (outside tables)


def tokens(doc: Document) -> list[Token]:
    """Flatten the document into tokens and re-join vertical text."""
    out: list[Token] = []
    append = out.append
    singles = pipe_rows = 0
    for block in doc.blocks:
        if block.__class__ is Paragraph:
            text = block.text
            value, is_value, is_blank, page_number, single = _short_lexeme(text) if len(text) <= 40 else _lexeme(text)
            if page_number:
                continue
            if "|" in text and not is_value and (cells := pipe_cells(text)) is not None:
                if cells:
                    pipe_rows += 1
                    _append_pipe_row(out, cells, block, (-pipe_rows, 0))
                continue
            singles += single
            append(
                Token(text, value, (block.page, None, None, None, block.char_span), None, is_value, is_blank, single)
            )
            continue
        page, index = block.page, block.index
        row_key = (index, -1)
        for c in block.cells if block.row_major else sorted(block.cells, key=_ROW_COL):  # anchors in row-major order
            text = c.text
            value, is_value, is_blank, page_number, _ = _short_lexeme(text) if len(text) <= 40 else _lexeme(text)
            if page_number:
                continue
            if c.row != row_key[1]:
                row_key = (index, c.row)  # one key object per row: cells of a row compare by identity
            append(Token(text, value, (page, index, c.row, c.col, c.char_span), row_key, is_value, is_blank))
    return _join_vertical(out) if singles >= 3 else out


_ROW_COL = operator.attrgetter("row", "col")
_PIPE_RULE = re.compile(r"^:?-{3,}:?$")


def pipe_cells(text: str) -> list[tuple[str, int]] | None:
    """A paragraph that is one '|' row of a table (Markdown from a converter, '|' rows inside HTML <p>): its cells
    as (text, offset), [] for Markdown's header rule; None when it is prose with bars in it (page furniture)."""
    s = text.strip()
    if len(s) > 600:
        return None
    if s.count("|") == 1:  # a two-cell row: a label and its one value (行政许可 | 0 under 本年处理决定数量)
        label, _, cell = s.partition("|")
        label, cell = label.strip(), cell.strip()
        if (
            not label
            or len(label) > 40
            or not cell
            or parse_value(label).kind != TEXT
            or parse_value(cell).kind == TEXT
        ):
            return None
        return [(label, text.find(label)), (cell, text.rfind(cell))]
    if s.count("|") < 2:
        return None
    parts, cells, pos = s.split("|"), [], text.find(s)
    for n, part in enumerate(parts):
        if (n == 0 or n == len(parts) - 1) and not part.strip():
            pos += len(part) + 1
            continue  # the row's edges
        cells.append((part.strip(), pos + len(part) - len(part.lstrip())))
        pos += len(part) + 1
    if cells and all(_PIPE_RULE.match(c) for c, _ in cells):
        return []
    edged = s[0] == "|" and s[-1] == "|"  # Markdown's row: a header of words is a row too
    if len(cells) < 2 or not (edged or any(parse_value(c).kind != TEXT for c, _ in cells)):
        return None
    return cells


def _append_pipe_row(out: list[Token], cells: list[tuple[str, int]], block: Paragraph, row_key: tuple) -> None:
    """The cells of a '|' row paragraph as tokens of one table row (a negative table index: no table of the reader)."""
    span = block.char_span
    for col, (text, off) in enumerate(cells):
        value = _short_lexeme(text)[0] if len(text) <= 40 else parse_value(text)
        cspan = (span[0] + off, span[0] + off + len(text)) if span else None
        out.append(
            Token(text, value, (block.page, None, None, col, cspan), row_key, value.kind != TEXT, value.kind == BLANK)
        )


_GROUP = re.compile(r"\S+")


def spaced_cells(tok: Token) -> list[Token]:
    """A plain line of cells separated by spaces ("0 0 0 0 0 1 …", a table row flattened by a converter): one value
    token per group; [] when a group is not a cell value (a number or a blank mark)."""
    if tok.row_key is not None or len(tok.text) > 400:
        return []
    out: list[Token] = []
    page, span = tok.loc[0], tok.loc[4]
    for m in _GROUP.finditer(tok.text):
        value = _short_lexeme(m.group())[0]
        if value.kind == TEXT:
            return []
        cspan = (span[0] + m.start(), span[0] + m.end()) if span else None
        out.append(Token(m.group(), value, (page, None, None, None, cspan), None, True, value.kind == BLANK))
    return out


def is_page_number(text: str) -> bool:
    """A page-number line ('- 5 -', '第 3 页', '3/12'): it starts with a dash or 第, or has a slash."""
    return 0 < len(text) <= 24 and _short_page_number(text)


@functools.lru_cache(maxsize=65_536)
def _short_page_number(text: str) -> bool:
    first = text.lstrip()[:1]
    return (first in _PAGE_FIRST or "/" in text) and first != "" and PAGE_NUMBER.match(text) is not None


_PAGE_FIRST = frozenset("-—–－第")


def _one_char(text: str, value: Value) -> bool:
    """One character of vertical text: not a digit, dash or 无, which are values of their own."""
    if len(text) > 3:
        return False
    s = compact(text)
    return len(s) == 1 and not s.isdigit() and value.kind in (TEXT, ZH_NUMERAL)


def _join_vertical(toks: list[Token]) -> list[Token]:
    """Join runs of ≥3 one-character tokens (blank tokens between them allowed) into one text token."""
    out: list[Token] = []
    i, n = 0, len(toks)
    while i < n:
        if toks[i].single:
            j, chars, last = i, [], i
            while j < n and (toks[j].single or (toks[j].is_blank and j + 1 < n and toks[j + 1].single)):
                if not toks[j].is_blank:
                    chars.append(compact(toks[j].text))
                    last = j
                j += 1
            # vertical text has words in it (三、本年度…); a run of 一 六 二 is numbers, one per cell
            if len(chars) >= 3 and any(parse_value(ch).kind == TEXT for ch in chars):
                first = toks[i]
                span = None
                if first.loc[4] and toks[last].loc[4]:
                    span = (first.loc[4][0], toks[last].loc[4][1])
                loc = first.loc[:4] + (span,)
                text = "".join(chars)
                out.append(Token(text, Value(None, TEXT, text), loc, first.row_key, False, False))
                i = last + 1
                continue
        out.append(toks[i])
        i += 1
    return out
