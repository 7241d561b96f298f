"""Flatten a report to plain text in the layouts seen in the wild (seed 004 TABs, seed 002 pipes, one cell a line …)."""

import random

from nianbao.document import Document, Paragraph, Table

from .model import ReportSpec
from .tables import NOTE, WRAPPED, build_document, table_code

STYLES = ("tab", "pipe", "lines", "mixed")
# quirk -> the styles it is applied with (and it needs the table it names)
QUIRKS = {
    "truncated_headers": ("pipe",),  # 本年新 | 本年新 | 对外公开总数量 (两城镇, 乌海)
    "space_split_headers": ("mixed",),  # 本年新 制作数量, 商业 企业
    "note_ahead": ("tab", "pipe", "lines"),  # the 勾稽 note printed as a line of its own before 表三
    "page_break": ("tab", "pipe", "lines", "mixed"),  # "- 3 -" between two rows of a table
    "repeat_header": ("tab", "pipe", "mixed"),  # the header rows printed again after the page break
    "bare_denied_run": ("tab", "lines"),  # （三）不予公开 followed by 8×7 numbers without the sub-row labels
}
PAGE = object()  # marks a page break between rows


def word_rows(table: Table) -> list[list[str]]:
    """Rows as Word stores them: anchor cells, plus an empty cell where a vertical merge continues (seed 004)."""
    anchors = {(c.row, c.col): c for c in table.cells}
    owner: dict[tuple[int, int], object] = {}
    for c in table.cells:
        for r in range(c.row, c.row + c.rowspan):
            for k in range(c.col, c.col + c.colspan):
                owner[(r, k)] = c
    out = []
    for r in range(table.n_rows):
        row, k = [], 0
        while k < table.n_cols:
            c = owner.get((r, k))
            if c is None:
                k += 1
                continue
            row.append(c.text if (r, k) in anchors else "")
            k = c.col + c.colspan
        out.append(row)
    return out


def grid_rows(table: Table) -> list[list[str]]:
    """Every grid position, covered ones empty (the '|' exports with empty trailing cells)."""
    return [[t or "" for t in row] for row in table.grid()]


def anchor_rows(table: Table) -> list[list[str]]:
    return [[c.text for c in row] for row in table.rows()]


def header_rows(code: str) -> int:
    return {"t3_applications": 3, "t4_review_litigation": 3, "legacy_stats": 1}.get(code, 0)


def relabel(table: Table, code: str, quirks: frozenset[str]) -> Table:
    """A copy of the table with the header quirks applied to cell texts."""
    cells = []
    for c in table.cells:
        text = c.text
        if code == "t2_proactive" and "truncated_headers" in quirks and text in ("本年新制作数量", "本年新公开数量"):
            text = "本年新"
        if "space_split_headers" in quirks:
            text = {
                "本年新制作数量": "本年新 制作数量",
                "本年新公开数量": "本年新 公开数量",
                "对外公开总数量": "对外公开 总数量",
            }.get(text, text)
        if "note_ahead" in quirks and text == NOTE:
            text = ""
        cells.append(type(c)(c.row, c.col, text, c.rowspan, c.colspan))
    return Table(cells=cells, source=table.source)


def bare_denied(rows: list[list[str]]) -> list[list[str]]:
    """Merge the eight （三）不予公开 rows into one run of numbers without their labels."""
    idx = [i for i, r in enumerate(rows) if any(t.startswith(("1.属于国家秘密", "8.属于行政查询事项")) for t in r)]
    if len(idx) != 2 or idx[1] - idx[0] != 7:
        return rows
    first, last = idx
    block = rows[first : last + 1]
    head = [t for t in block[0][:-7] if not t.startswith("1.")]
    merged = head + [v for row in block for v in row[-7:]]
    return rows[:first] + [merged] + rows[last + 1 :]


def with_page_break(rows: list, code: str, quirks: frozenset[str], rng: random.Random) -> list:
    if "page_break" not in quirks or code not in ("t3_applications", "legacy_stats") or len(rows) < 8:
        return rows
    h = header_rows(code)
    at = rng.randint(h + 2, len(rows) - 2)
    extra = [PAGE] + (rows[:h] if "repeat_header" in quirks else [])
    return rows[:at] + extra + rows[at:]


def style_tab(rows: list, page: str) -> list[str]:
    """Seed 004: a blank line opens each row, each cell is a TAB line, cell paragraphs are continuation lines."""
    out: list[str] = []
    for row in rows:
        if row is PAGE:
            out += ["", page]
            continue
        out.append("")
        for cell in row:
            parts = cell.split("\n")
            out.append("\t" + parts[0])
            for p in parts[1:]:
                out += ["", p]
    return out + ["", ""]


def pipe_cell(text: str) -> str:
    text = text.replace("\n", "")
    return f"{text} |" if text else "|"


def style_pipe(rows: list, page: str) -> list[str]:
    """Seed 002 / 两城镇: 'cell | cell | |' with the empty trailing cells kept."""
    return [page if row is PAGE else " ".join(pipe_cell(t) for t in row) for row in rows]


def style_lines(rows: list, page: str) -> list[str]:
    """One cell per line and no separator at all; an empty cell is an empty line."""
    out: list[str] = []
    for row in rows:
        out += [page] if row is PAGE else [t.replace("\n", "") for t in row]
    return out


def style_mixed(rows: list, page: str, rng: random.Random) -> list[str]:
    """Rows as TAB-joined lines with blank lines between some of them; header words split by a space, a wrapped
    long label breaking its row over two lines."""
    out: list[str] = []
    for row in rows:
        if row is PAGE:
            out.append(page)
            continue
        cells = [t if t in WRAPPED.values() else t.replace("\n", " ") for t in row]
        out += "\t".join(cells).split("\n")
        if rng.random() < 0.4:
            out.append("")
    return out + [""]


def render_table(table: Table, spec: ReportSpec, rng: random.Random) -> list[str]:
    lay = spec.layout
    code = table_code(table)
    quirks = frozenset(q for q in lay.quirks if lay.style in QUIRKS[q])
    t = relabel(table, code, quirks)
    lead = [NOTE] if code == "t3_applications" and "note_ahead" in quirks else []
    if lay.style == "tab":
        rows = word_rows(t)
    elif lay.style == "pipe":
        rows = grid_rows(t)
    else:
        rows = anchor_rows(t)
    if code == "t3_applications" and "bare_denied_run" in quirks:
        rows = bare_denied(rows)
    rows = with_page_break(rows, code, quirks, rng)
    page = f"- {lay.page_number} -"
    if code == "t4_review_litigation" and "t4_header_run" in spec.phenomena:
        # the header block, then the 15 numbers as one run (a blank printed '-' so that it keeps its place)
        run = " ".join(t or "-" for t in rows[-1])
        head = rows[:-1]
        lines = {
            "tab": lambda: style_tab(head, page),
            "pipe": lambda: style_pipe(head, page),
            "lines": lambda: style_lines(head, page),
        }.get(lay.style, lambda: style_mixed(head, page, rng))()
        while lines and lines[-1] == "":
            lines.pop()
        return [*lines, run, ""]
    if lay.style == "tab":
        return lead + style_tab(rows, page)
    if lay.style == "pipe":
        return lead + style_pipe(rows, page)
    if lay.style == "lines":
        return lead + style_lines(rows, page)
    return lead + style_mixed(rows, page, rng)


def render_text(spec: ReportSpec, doc: Document | None = None) -> str:
    """The whole report as text in spec.layout."""
    doc = doc or build_document(spec)
    rng = random.Random(f"layout:{spec.file}:{spec.agency}:{spec.report_year}")
    out: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            out.append(block.text)
            if spec.layout.blank_line_paragraphs:
                out.append("")
        else:
            lines = render_table(block, spec, rng)
            if out and out[-1] == "" and lines and lines[0] == "":
                lines = lines[1:]
            out += lines
            if spec.layout.style in ("pipe", "lines") and spec.layout.blank_line_paragraphs:
                out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def encode(text: str, encoding: str) -> bytes:
    """Bytes in the layout's encoding (gbk falls back to gb18030 for characters GBK lacks)."""
    if encoding == "utf-8-sig":
        return text.encode("utf-8-sig")
    if encoding == "gb18030-bom":
        return "\ufeff".encode("gb18030") + text.encode("gb18030")
    if encoding == "gbk":
        try:
            return text.encode("gbk")
        except UnicodeEncodeError:
            return text.encode("gb18030")
    return text.encode(encoding)
