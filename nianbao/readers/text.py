"""Plain-text reports: decode strictly (BOM, UTF-8, GB18030, chardet) and recover flattened tables.

Layouts recovered as tables: '|' rows (seed 002), TAB cells with blank-line rows and continuation lines
(seed 004), and TAB-separated rows. Everything else stays one paragraph per line, blank lines included,
because a blank line is a blank cell in the one-cell-per-line layout. `Document.text` is the decoded text
itself, so every char_span points into what the file says.
"""

import codecs
import re
from itertools import accumulate

from nianbao.document import Cell, Document, Paragraph, Table
from nianbao.parse.stream import is_page_number
from nianbao.values import TEXT, parse_value

_CONTINUATION_MAX = 24
# an item number that starts a row label: 一、 （一） 1. 其中 第…; a wrapped label's second line has none
_ITEM = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.．、]|第|其中|信息内容|统计指标)"
)  # a line without TAB this short, inside a TAB table, continues the previous cell


def decode(data: bytes) -> tuple[str, str]:
    """Bytes to str: BOM, then strict UTF-8, then strict GB18030, then chardet; returns (text, encoding)."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(enc), enc
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            pass
    import chardet

    guess = chardet.detect(data[:65536]).get("encoding") or "gb18030"
    return data.decode(guess, errors="replace"), guess.lower()


def _lines(text: str) -> list[tuple[str, int]]:
    """The text as (line, start offset) pairs."""
    lines = text.split("\n")
    starts = [0, *accumulate(len(line) + 1 for line in lines)]
    return list(zip(lines, starts))


_MD_RULE = re.compile(r"^\s*\|?(?:\s*:?-{3,}:?\s*\|)+\s*(?::?-{3,}:?\s*)?$")


def _pipe_table(lines, i: int) -> tuple[Table, int]:
    """Consecutive '|' lines as rows of cells with their spans. A trailing '|' ends the row (seed 002); a leading
    '|' is an edge only when every row of the table has one (markdown style), else it follows an empty first cell."""
    cells = []
    end = i
    while end < len(lines) and "|" in lines[end][0]:
        end += 1
    edge_left = all(lines[k][0].lstrip().startswith("|") for k in range(i, end))
    r = 0
    for ln in range(i, end):
        line, pos = lines[ln]
        parts = line.split("|")
        if ln == i + 1 and _MD_RULE.match(line):
            continue  # Markdown's header rule (|---|:--:|): no cells, never a row of blanks
        first = 1 if edge_left and not parts[0].strip() else 0
        last = len(parts) - 1 if not parts[-1].strip() and line.rstrip().endswith("|") else len(parts)
        for k, part in enumerate(parts):
            if first <= k < last:
                cells.append(Cell(r, k - first, part.strip(), 1, 1, (pos, pos + len(part))))
            pos += len(part) + 1
        r += 1
    return Table(cells, source="text-pipe", row_major=True), end


def _is_tab_line(line: str) -> bool:
    return line.startswith("\t")


def _tab_cells(line: str, start: int, r: int, c: int) -> list[Cell]:
    """The TAB-separated cells of one line (at offset `start`) as row r from column c, with their spans."""
    out, pos = [], start
    for k, part in enumerate(line.split("\t"), start=c):
        out.append(Cell(r, k, part.strip(), 1, 1, (pos, pos + len(part))))
        pos += len(part) + 1
    return out


def _tab_table(lines, i: int) -> tuple[Table, int]:
    """Seed 004's layout: TAB-led lines are cells; a blank line then a TAB line starts a row;
    short lines without TAB continue the cell; two blank lines end the table."""
    cells: list[Cell] = []
    r, c = 0, 0  # the row being filled and its next column (a row with no cell yet is not counted)
    blank_run = 0
    n = len(lines)
    while i < n:
        line, start = lines[i]
        tab = line[:1] == "\t"
        if not tab and not line.strip():
            blank_run += 1
            if blank_run >= 2:
                break
            i += 1
            continue
        if len(line) <= 24 and is_page_number(line):  # a page break inside the table: not a cell, not a continuation
            i += 1
            continue
        if tab:
            if blank_run and c:
                r, c = r + 1, 0
            blank_run = 0
            if line.find("\t", 1) < 0:  # one cell per TAB line (seed 004)
                cells.append(Cell(r, c, line[1:].strip(), 1, 1, (start + 1, start + len(line))))
                c += 1
            else:  # with inner TABs it is a whole row whose first cell is empty
                row = _tab_cells(line, start, r, c)
                cells += row
                c += len(row)
        elif "\t" in line.strip():  # a TSV row among TAB cells (mixed layouts): a row of its own
            if c:
                r, c = r + 1, 0
            row = _tab_cells(line, start, r, c)
            cells += row
            c += len(row)
            if c:
                r, c = r + 1, 0
            blank_run = 0
        elif len(line.strip()) <= _CONTINUATION_MAX and c and parse_value(cells[-1].text).kind == TEXT:
            cell = cells[-1]
            cell.text = f"{cell.text}\n{line.strip()}" if cell.text else line.strip()
            cell.char_span = (cell.char_span[0], start + len(line))
            blank_run = 0
        else:
            break
        i += 1
    # drop the trailing blank lines consumed (they are not part of the table)
    while i > 0 and not lines[i - 1][0].strip() and not _is_tab_line(lines[i - 1][0]):
        i -= 1
    return Table(cells, source="text-tab", row_major=True), i


def _is_tsv_line(line: str) -> bool:
    return "\t" in line.strip() and not _is_tab_line(line)


def _wrapped_label(lines, i: int) -> bool:
    """A short label fragment whose row continues, TAB-separated, on the next line (5.要求…重新⏎出具…\t0\t0)."""
    if i + 1 >= len(lines) or "\t" not in lines[i + 1][0]:
        return False
    line = lines[i][0].strip()
    if not line or len(line) > 30 or line[-1] in "。：:；;，,":
        return False
    nxt = lines[i + 1][0]
    first = nxt.split("\t", 1)[0].strip()
    return (
        _is_tsv_line(nxt)
        and bool(first)
        and parse_value(first).kind == TEXT
        and bool(_ITEM.match(line))
        and not _ITEM.match(first)
        and not line.endswith(("情况", "项"))
    )


def _tsv_table(lines, i: int) -> tuple[Table, int]:
    """Rows written as cells separated by TABs on one line (no leading TAB); a wrapped first cell is re-joined."""
    cells, r = [], 0
    n = len(lines)
    while i < n:
        line = lines[i][0]
        if "\t" in line.strip() and line[:1] != "\t":  # _is_tsv_line
            prefix = None
        elif _wrapped_label(lines, i):
            prefix = lines[i]
            i += 1
        else:
            break
        line, pos = lines[i]
        for c, part in enumerate(line.split("\t")):
            end = pos + len(part)
            if c == 0 and prefix:
                cells.append(Cell(r, 0, f"{prefix[0].strip()}\n{part.strip()}", 1, 1, (prefix[1], end)))
            else:
                cells.append(Cell(r, c, part.strip(), 1, 1, (pos, end)))
            pos = end + 1
        r += 1
        i += 1
    return Table(cells, source="text-tsv", row_major=True), i


def blocks_from_text(text: str) -> list:
    """Split decoded text into paragraphs (one per line) and recovered tables, in order."""
    if "|" not in text and "\t" not in text:  # no table layout at all: one paragraph per line
        return _plain_paragraphs(text)
    lines = _lines(text)
    blocks: list = []
    i = 0
    n = len(lines)
    while i < n:
        line, start = lines[i]
        if "|" not in line and "\t" not in line and (i + 1 == n or "\t" not in lines[i + 1][0]):
            blocks.append(_paragraph(line, start))  # the common case: a plain line
            i += 1
            continue
        if "|" in line and line.count("|") >= 2:
            table, i = _pipe_table(lines, i)
            blocks.append(table)
        elif _is_tab_line(line) and (line.strip() or (i + 1 < len(lines) and _is_tab_line(lines[i + 1][0]))):
            table, i = _tab_table(lines, i)
            blocks.append(table)
        elif _is_tsv_line(line) or _wrapped_label(lines, i):
            table, i = _tsv_table(lines, i)
            blocks.append(table)
        else:
            blocks.append(_paragraph(line, start))
            i += 1
    for n, t in enumerate([b for b in blocks if b.__class__ is Table]):
        t.index = n
        spans = [c.char_span for c in t.cells]  # every cell of a text table has its span
        t.char_span = (min(spans)[0], max([e for _, e in spans])) if spans else None
    return blocks


def _plain_paragraphs(text: str) -> list[Paragraph]:
    """Every line a paragraph (what _paragraph does, in one loop: most reports are lines only)."""
    out = []
    append = out.append
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            lead = pos + len(line) - len(line.lstrip())
            append(Paragraph(stripped, None, (lead, lead + len(stripped))))
        else:
            append(Paragraph("", None, (pos, pos)))
        pos += len(line) + 1
    return out


def _paragraph(line: str, start: int) -> Paragraph:
    """One line as a paragraph, stripped, its span on the stripped text."""
    stripped = line.strip()
    if not stripped:
        return Paragraph("", None, (start, start))
    lead = start + len(line) - len(line.lstrip())
    return Paragraph(stripped, None, (lead, lead + len(stripped)))


def read_text(data: bytes) -> Document:
    """Decode a text report and read it into the document model."""
    text, encoding = decode(data)
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")  # a BOM can survive GB18030
    return Document(blocks=blocks_from_text(text), text=text, format="txt", encoding=encoding)
