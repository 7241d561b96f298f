"""The running text of a document: paragraphs, lone cells of layout tables, and PDF lines joined into sentences."""

import re
from dataclasses import dataclass

from nianbao.document import Document, Paragraph

# A line that ends a sentence or a heading; a longer line ending otherwise was wrapped by the page width.
_SENTENCE_END = re.compile(r"[。；;！!？?：:）)」』”\"]\s*$")
_WRAPPED_MIN = 16  # a wrapped PDF line is near the page width; headings and signatures are short


def text_blocks(doc: Document) -> list[Paragraph]:
    """Paragraphs in reading order, plus the one non-empty cell of a table row that holds only that cell.

    Portal pages saved as text, crawler dumps and PDFs laid out in boxes put the title or the whole report
    in such a cell: it is text, not a statistics cell. Cells become Paragraphs with the cell's span.
    """
    out: list[Paragraph] = []
    for b in doc.blocks:
        if b.__class__ is Paragraph:
            if b.text and b.char_span is not None:
                out.append(b)
            continue
        by_row: dict[int, list] = {}
        for c in b.cells:
            if c.text and c.text.strip():
                by_row.setdefault(c.row, []).append(c)
        for row in sorted(by_row):
            cells = by_row[row]
            if len(cells) == 1 and cells[0].char_span is not None and not _is_number(cells[0].text):
                c = cells[0]
                out.append(Paragraph(c.text, page=b.page, char_span=c.char_span))
    return out


def _is_number(s: str) -> bool:
    return s.strip().replace(",", "").replace(".", "").isdigit()


@dataclass(slots=True)
class Run:
    """Consecutive text blocks read as one text: `pieces` are (offset in the run, block) in order."""

    text: str
    pieces: list[tuple[int, Paragraph]]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Document.text span of run[start:end] (start and end mapped through the block they fall in)."""
        return self._doc_pos(start, False), self._doc_pos(end, True)

    def _doc_pos(self, pos: int, is_end: bool) -> int:
        for off, b in reversed(self.pieces):
            if off < pos or (off == pos and not is_end):
                return b.char_span[0] + min(pos - off, len(b.text))
        return self.pieces[0][1].char_span[0]

    def page(self, pos: int) -> int | None:
        for off, b in reversed(self.pieces):
            if off <= pos:
                return b.page
        return self.pieces[0][1].page


def runs(blocks: list[Paragraph]) -> list[Run]:
    """Join a block to the next when it was cut mid-sentence by the line width (a long line with no final
    punctuation): PDF text gives one paragraph per printed line, and a count can straddle two."""
    out: list[Run] = []
    parts: list[str] = []
    pieces: list[tuple[int, Paragraph]] = []
    length = 0
    for b in blocks:
        pieces.append((length, b))
        parts.append(b.text)
        length += len(b.text)
        t = b.text.rstrip()
        if len(t) < _WRAPPED_MIN or _SENTENCE_END.search(t):
            out.append(Run("".join(parts), pieces))
            parts, pieces, length = [], [], 0
    if pieces:
        out.append(Run("".join(parts), pieces))
    return out
