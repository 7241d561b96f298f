"""The running text of a document: paragraphs, lone cells of layout tables, and PDF lines joined into sentences."""

from dataclasses import dataclass

from nianbao.document import Document, Paragraph

# A line that ends a sentence or a heading; a longer line ending otherwise was wrapped by the page width.
_SENTENCE_END = frozenset('。；;！!？?：:）)」』”"')
_WRAPPED_MIN = 16  # a wrapped PDF line is near the page width; headings and signatures are short


# Text tables made of lines with TABs: a line without one is a paragraph already, never a lone cell
_LINE_TABLES = frozenset(("text-tab", "text-tsv"))


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
        if b.source in _LINE_TABLES:
            continue
        lone: dict = {}  # row -> its one non-empty cell, or None once a second one shows
        for c in b.cells:
            if c.text:
                lone[c.row] = None if c.row in lone else c
        for row in sorted(lone):
            c = lone[row]
            if c is not None and c.char_span is not None and c.text.strip() and not _is_number(c.text):
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
        if len(self.pieces) == 1:
            b = self.pieces[0][1]
            return b.char_span[0] + min(pos, len(b.text))
        for off, b in reversed(self.pieces):
            if off < pos or (off == pos and not is_end):
                return b.char_span[0] + min(pos - off, len(b.text))
        return self.pieces[0][1].char_span[0]

    def page(self, pos: int) -> int | None:
        for off, b in reversed(self.pieces):
            if off <= pos:
                return b.page
        return self.pieces[0][1].page


def joins_next(text: str) -> bool:
    """A line cut by the page width: long, and not ending a sentence or a heading."""
    if len(text) < _WRAPPED_MIN:
        return False
    last = text[-1]
    if last.isspace():
        last = text.rstrip()[-1:]
    return last not in _SENTENCE_END


def runs(blocks: list[Paragraph], keep=None, drop=None) -> list[Run]:
    """Join a block to the next when it was cut mid-sentence by the line width (a long line with no final
    punctuation): PDF text gives one paragraph per printed line, and a count can straddle two.
    `keep(text)`: only runs whose text passes are returned (a cheap filter saves building the others);
    `drop(text)`: a line that would join its neighbours but is left out (a table label printed as a line)."""
    out: list[Run] = []
    pieces: list[tuple[int, Paragraph]] = []
    length = 0
    ends = _SENTENCE_END
    for b in blocks:
        t = b.text
        # joins_next, inlined: this loop visits every line of every document
        joins = len(t) >= _WRAPPED_MIN and (t[-1] not in ends if not t[-1].isspace() else joins_next(t))
        if not joins:
            if not pieces:  # the common case: a block that is a run by itself
                if keep is None or keep(t):
                    out.append(Run(t, [(0, b)]))
                continue
        elif drop is not None and drop(t):
            continue
        pieces.append((length, b))
        length += len(t)
        if not joins:
            _close(out, pieces, keep)
            pieces, length = [], 0
    if pieces:
        _close(out, pieces, keep)
    return out


def _close(out: list[Run], pieces: list[tuple[int, Paragraph]], keep) -> None:
    text = "".join(b.text for _, b in pieces)
    if keep is None or keep(text):
        out.append(Run(text, pieces))
