"""A document as one stream of cell tokens in reading order, the shape every flattened layout shares.

Paragraph lines and table cells (anchors, row-major) become tokens carrying their location. Runs of
single characters (vertical text of a merged cell, one character per line) are joined back into one label.
"""

import re
from dataclasses import dataclass

from nianbao.document import Document, Paragraph
from nianbao.parse.labels import compact
from nianbao.report import Location
from nianbao.values import BLANK, TEXT, ZH_NUMERAL, Value, is_unit_word, parse_value


# a page number line left by a page break: "- 5 -", "第 3 页", "3/12"
PAGE_NUMBER = re.compile(r"^\s*(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})\s*$")


@dataclass(slots=True)
class Token:
    """One cell or line: its printed text, parsed value, location, and the table row it sits in (if any)."""

    text: str
    value: Value
    location: Location
    row_key: tuple[int, int] | None
    in_table: bool

    @property
    def is_value(self) -> bool:
        return self.value.kind != TEXT

    @property
    def is_blank(self) -> bool:
        return self.value.kind == BLANK

    @property
    def is_unit(self) -> bool:
        return is_unit_word(self.text)


def _cell_value(text: str) -> Value:
    v = parse_value(text)
    # a single Chinese numeral character inside a label run is text, not a value (三 of 三、本年度办理结果)
    return v


def tokens(doc: Document) -> list[Token]:
    """Flatten the document into tokens and re-join vertical text."""
    out: list[Token] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            if PAGE_NUMBER.match(block.text):
                continue
            out.append(Token(block.text, _cell_value(block.text),
                             Location(page=block.page, char_span=block.char_span), None, False))
            continue
        for row in block.rows():
            for c in row:
                if c.text and PAGE_NUMBER.match(c.text):
                    continue
                out.append(Token(c.text, _cell_value(c.text),
                                 Location(page=block.page, table_index=block.index, row_index=c.row,
                                          column_index=c.col, char_span=c.char_span),
                                 (block.index, c.row), True))
    return _join_vertical(out)


def _single_char(t: Token) -> bool:
    """One character of vertical text: not a digit, dash or 无, which are values of their own."""
    s = compact(t.text)
    return len(s) == 1 and not s.isdigit() and t.value.kind in (TEXT, ZH_NUMERAL)


def _join_vertical(toks: list[Token]) -> list[Token]:
    """Join runs of ≥3 one-character tokens (blank tokens between them allowed) into one text token."""
    out: list[Token] = []
    i = 0
    while i < len(toks):
        if _single_char(toks[i]):
            j, chars, last = i, [], i
            while j < len(toks) and (_single_char(toks[j]) or (toks[j].is_blank and j + 1 < len(toks)
                                                                and _single_char(toks[j + 1]))):
                if not toks[j].is_blank:
                    chars.append(compact(toks[j].text))
                    last = j
                j += 1
            # vertical text has words in it (三、本年度…); a run of 一 六 二 is numbers, one per cell
            if len(chars) >= 3 and any(parse_value(ch).kind == TEXT for ch in chars) and not toks[i].in_table:
                first = toks[i]
                span = None
                if first.location.char_span and toks[last].location.char_span:
                    span = (first.location.char_span[0], toks[last].location.char_span[1])
                loc = Location(first.location.page, first.location.table_index, first.location.row_index,
                               first.location.column_index, span)
                text = "".join(chars)
                out.append(Token(text, Value(None, TEXT, text), loc, first.row_key, first.in_table))
                i = last + 1
                continue
        out.append(toks[i])
        i += 1
    return out
