"""The format-agnostic document model: ordered paragraphs and tables (anchor cells with spans).

Every reader (text, HTML, DOCX, DOC, PDF, OCR) ends in a `Document`; every parser reads only this.
`Document.text` is the extracted text the parsers see; every `char_span` points into it.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(slots=True)
class Cell:
    """One anchor cell: its top-left grid position, its text as printed, and its spans."""

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    char_span: tuple[int, int] | None = None
    confidence: float | None = None


@dataclass(slots=True)
class Table:
    """A table as anchor cells; covered positions of merged cells are not stored."""

    cells: list[Cell]
    page: int | None = None
    index: int = 0
    source: str = ""
    char_span: tuple[int, int] | None = None
    row_major: bool = False  # the reader made the cells in reading order (row by row, left to right)

    @property
    def n_rows(self) -> int:
        return max((c.row + c.rowspan for c in self.cells), default=0)

    @property
    def n_cols(self) -> int:
        return max((c.col + c.colspan for c in self.cells), default=0)

    def rows(self) -> list[list[Cell]]:
        """Anchor cells grouped by row, each row ordered left to right (empty rows kept)."""
        out: list[list[Cell]] = [[] for _ in range(self.n_rows)]
        for c in self.cells:
            out[c.row].append(c)
        for r in out:
            r.sort(key=lambda c: c.col)
        return out

    def grid(self, fill: bool = False) -> list[list[str | None]]:
        """A dense grid of texts; covered positions are None, or the spanning text when fill=True."""
        g: list[list[str | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for c in self.cells:
            for r in range(c.row, c.row + c.rowspan):
                for k in range(c.col, c.col + c.colspan):
                    if (r, k) == (c.row, c.col) or fill:
                        g[r][k] = c.text
        return g

    @classmethod
    def from_rows(cls, rows: list[list[tuple[str, int, int]]], **kw) -> "Table":
        """Build from rows of (text, rowspan, colspan) as HTML/DOCX give them, placing cells around row spans."""
        taken: set[tuple[int, int]] = set()
        cells: list[Cell] = []
        for r, row in enumerate(rows):
            col = 0
            for text, rowspan, colspan in row:
                while (r, col) in taken:
                    col += 1
                cells.append(Cell(r, col, text, max(rowspan, 1), max(colspan, 1)))
                for rr in range(r, r + max(rowspan, 1)):
                    for cc in range(col, col + max(colspan, 1)):
                        taken.add((rr, cc))
                col += max(colspan, 1)
        return cls(cells=cells, **kw)


@dataclass(slots=True)
class Paragraph:
    """A paragraph (or one line of flattened text) in reading order."""

    text: str
    page: int | None = None
    char_span: tuple[int, int] | None = None


Block = Paragraph | Table


@dataclass
class Document:
    """Blocks in reading order, the text they were read from, and what the reader noticed."""

    blocks: list[Block]
    text: str
    format: str = "txt"
    encoding: str | None = None
    pages: int | None = None
    ocr: bool = False
    warnings: list[str] = field(default_factory=list)
    meta: dict = field(default_factory=dict)  # reader-found metadata, e.g. a portal's 发布机构/发文日期

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def iter_blocks(self) -> Iterator[Block]:
        return iter(self.blocks)

    @classmethod
    def from_blocks(cls, blocks: list[Block], **meta) -> "Document":
        """Assemble a document from reader blocks, writing `text` and every char_span.

        Paragraphs become lines; a table becomes one line per row with cells joined by TAB
        (so that prose parsing and provenance spans work the same for every format).
        """
        parts: list[str] = []
        pos = 0
        table_index = 0

        def put(s: str) -> tuple[int, int]:
            nonlocal pos
            start = pos
            parts.append(s)
            pos += len(s)
            return start, pos

        for b in blocks:
            if isinstance(b, Paragraph):
                b.char_span = put(b.text)
                put("\n")
            else:
                b.index = table_index
                table_index += 1
                start = pos
                for row in b.rows():
                    for i, c in enumerate(row):
                        if i:
                            put("\t")
                        c.char_span = put(c.text)
                    put("\n")
                b.char_span = (start, pos)
                put("\n")
        return cls(blocks=blocks, text="".join(parts), **meta)
