"""DOCX to the document model: an lxml walker over word/document.xml (spans, wrappers, sliver columns)."""

import io
import zipfile

from lxml import etree

from nianbao.document import Cell, Document, Paragraph, Table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
MAX_XML_BYTES = 256 * 1024 * 1024  # uncompressed word/document.xml
MAX_RATIO = 400  # uncompressed / compressed, above which a big part is treated as a bomb
SLIVER_TWIPS = 60  # grid columns narrower than ~1 mm are LibreOffice artefacts
WRAPPERS = {
    W + "sdt",
    W + "sdtContent",
    W + "customXml",
    W + "smartTag",
    W + "ins",
    W + "moveTo",
    W + "hyperlink",
    W + "fldSimple",
    W + "dir",
    W + "bdo",
}
SKIP = {
    W + "del",
    W + "moveFrom",
    W + "delText",
    W + "instrText",
    W + "pPr",
    W + "rPr",
    MC_FALLBACK,
    W + "footnoteReference",
    W + "commentReference",
}
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True)


def _error(kind: str, message: str) -> Exception:
    from nianbao.readers import ReadError

    return ReadError(kind, message)


def load_document_xml(data: bytes) -> bytes:
    """word/document.xml, refusing zip bombs before inflating and never reading past the limit."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        info = z.getinfo("word/document.xml")
    except (zipfile.BadZipFile, KeyError, OSError) as e:
        raise _error("CorruptDOCX", f"not a readable DOCX package: {e}") from e
    if info.file_size > MAX_XML_BYTES or (
        info.file_size > 16 * 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1)
    ):
        raise _error(
            "ZipBomb",
            f"word/document.xml would inflate to {info.file_size} bytes "
            f"from {info.compress_size} (limit {MAX_XML_BYTES})",
        )
    try:
        with z.open(info) as f:
            xml = f.read(MAX_XML_BYTES + 1)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as e:
        raise _error("CorruptDOCX", f"word/document.xml cannot be inflated: {e}") from e
    if len(xml) > MAX_XML_BYTES:
        raise _error("ZipBomb", "word/document.xml inflates past the limit (its header lied about its size)")
    return xml


def _val(el, name: str, default=None):
    child = el.find(W + name) if el is not None else None
    if child is None:
        return default
    return child.get(W + "val", "")


def _int(v, default: int = 1) -> int:
    try:
        return int(v)
    except (TypeError, ValueError):
        return default


def run_text(el, out: list[str]) -> None:
    """Visible text under `el`: w:t, tabs and breaks; deletions, field codes and mc:Fallback skipped."""
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in SKIP:
            continue
        if tag == W + "t":
            out.append(child.text or "")
        elif tag == W + "tab" or tag == W + "ptab":
            out.append("\t")
        elif tag in (W + "br", W + "cr"):
            out.append("\n")
        elif tag == W + "noBreakHyphen":
            out.append("-")
        elif tag == W + "tbl":  # a table inside a text box: its text, row per line
            out.append("\n" + "\n".join(flat_table_lines(child)) + "\n")
        elif tag == W + "p":
            if out and out[-1] != "\n":
                out.append("\n")
            run_text(child, out)
        else:
            run_text(child, out)


def para_text(p) -> str:
    out: list[str] = []
    run_text(p, out)
    return "".join(out)


def flat_table_lines(tbl) -> list[str]:
    lines = []
    for tr in tbl.iter(W + "tr"):
        cells = [cell_text(tc) for tc in tr.iter(W + "tc") if tc.getparent() is tr]
        lines.append("\t".join(c.replace("\n", " ") for c in cells))
    return lines


def cell_text(tc) -> str:
    """Cell paragraphs joined with a newline (nested tables flattened into lines)."""
    parts: list[str] = []
    for el in _content(tc):
        if el.tag == W + "p":
            parts.append(para_text(el))
        elif el.tag == W + "tbl":
            parts.extend(flat_table_lines(el))
    return "\n".join(parts).strip("\n")


def _content(parent):
    """Block children (w:p, w:tbl), descending into sdt/customXml wrappers."""
    for el in parent:
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if tag in (W + "p", W + "tbl"):
            yield el
        elif tag in WRAPPERS:
            yield from _content(el)


def _children(parent, name: str):
    """Children named `name` (w:tr, w:tc), descending into wrappers."""
    for el in parent:
        tag = el.tag
        if tag == W + name:
            yield el
        elif isinstance(tag, str) and tag in WRAPPERS:
            yield from _children(el, name)


def build_table(tbl) -> tuple[Table, list[str]]:
    """A w:tbl as anchor cells: gridSpan, vMerge restart/continue, legacy hMerge, gridBefore; slivers dropped."""
    widths = [_int(g.get(W + "w"), -1) for g in tbl.findall(f"{W}tblGrid/{W}gridCol")]
    cells: list[Cell] = []
    open_v: dict[int, Cell] = {}  # grid column -> vertically merged anchor still open
    r = 0
    for tr in _children(tbl, "tr"):
        trpr = tr.find(W + "trPr")
        col = _int(_val(trpr, "gridBefore"), 0)
        last: Cell | None = None
        still_open: dict[int, Cell] = {}
        for tc in _children(tr, "tc"):
            tcpr = tc.find(W + "tcPr")
            span = max(_int(_val(tcpr, "gridSpan"), 1), 1)
            vmerge = _val(tcpr, "vMerge")
            hmerge = _val(tcpr, "hMerge")
            if hmerge is not None and hmerge != "restart" and last is not None:
                last.colspan += span
                col += span
                continue
            if (
                vmerge is not None
                and vmerge != "restart"
                and col in open_v
                and open_v[col].colspan == span
                and open_v[col].row + open_v[col].rowspan == r
            ):
                anchor = open_v[col]
                anchor.rowspan += 1
                still_open[col] = anchor
                last = anchor
            else:
                cell = Cell(r, col, cell_text(tc), 1, span)
                cells.append(cell)
                if vmerge == "restart":
                    still_open[col] = cell
                last = cell
            col += span
        open_v = still_open
        r += 1
    warnings: list[str] = []
    if any(0 <= w < SLIVER_TWIPS for w in widths):
        cells, dropped = drop_sliver_columns(cells, widths)
        if dropped:
            warnings.append(f"dropped {dropped} cell(s) lying wholly in sliver grid columns")
    return Table(cells=cells, source="docx"), warnings


def drop_sliver_columns(cells: list[Cell], widths: list[int], min_width: int = SLIVER_TWIPS) -> tuple[list[Cell], int]:
    """Remove grid columns narrower than `min_width`: clip every cell to the real columns; drop cells wholly inside one."""
    n = max([len(widths)] + [c.col + c.colspan for c in cells])
    widths = list(widths) + [min_width] * (n - len(widths))  # columns beyond the declared grid count as real
    real = [w < 0 or w >= min_width for w in widths]  # -1: width not given
    if all(real):
        return cells, 0
    new_index = []
    k = 0
    for ok in real:
        new_index.append(k)
        k += ok
    kept, dropped = [], 0
    for c in cells:
        span = sum(real[c.col : c.col + c.colspan])
        if span == 0:
            dropped += bool(c.text.strip())
            continue
        first = next(i for i in range(c.col, c.col + c.colspan) if real[i])
        c.col, c.colspan = new_index[first], span
        kept.append(c)
    return kept, dropped


def read_docx(data: bytes) -> Document:
    """Read DOCX bytes into a Document: paragraphs and tables in body order."""
    xml = load_document_xml(data)
    try:
        root = etree.fromstring(xml, PARSER)
    except etree.XMLSyntaxError as e:
        raise _error("CorruptDOCX", f"word/document.xml is not well-formed XML: {e}") from e
    body = root.find(W + "body")
    if body is None:
        raise _error("CorruptDOCX", "word/document.xml has no w:body")
    blocks: list = []
    warnings: list[str] = []
    for el in _content(body):
        if el.tag == W + "p":
            text = para_text(el)
            for line in text.split("\n"):
                if line.strip():
                    blocks.append(Paragraph(line.strip()))
        else:
            t, w = build_table(el)
            warnings.extend(w)
            if t.cells and any(c.text.strip() for c in t.cells):
                blocks.append(t)
    return Document.from_blocks(blocks, format="docx", encoding=None, pages=None, ocr=False, warnings=warnings)
