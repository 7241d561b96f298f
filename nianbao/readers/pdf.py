"""PDF to the document model: pypdfium2 triage, pdfplumber ruled tables with spans, page stitching, OCR route."""

import io
import re

import pypdfium2 as pdfium

from nianbao.document import Cell, Document, Paragraph, Table

MIN_TEXT_CHARS = 10  # fewer non-blank characters on a page: no usable text layer
GARBAGE_SHARE = 0.25  # share of private-use / replacement / control characters that marks CID garbage
SNAP = 2.5  # points within which cell edges are one grid line
PAGE_NUMBER = re.compile(r"^(?:[-—–\s]*\d{1,4}[-—–\s]*|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)$")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
BAD = re.compile(r"[\ue000-\uf8ff\ufffd\ufffe\x00-\x08\x0b\x0c\x0e-\x1f]|\(cid:\d+\)")


def _error(kind: str, message: str) -> Exception:
    from nianbao.readers import ReadError

    return ReadError(kind, message)


def open_pdfium(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        msg = str(e)
        if "password" in msg.lower():
            raise _error("EncryptedPDF", "the PDF is encrypted with a user password and cannot be opened") from e
        raise _error("CorruptPDF", f"the PDF cannot be opened: {msg}") from e


def triage(pdf: pdfium.PdfDocument) -> list[tuple[str, str]]:
    """Per page ("text" | "ocr", reason): pages without a text layer or with CID garbage go to OCR."""
    routes = []
    for i in range(len(pdf)):
        page = pdf[i]
        try:
            text = page.get_textpage().get_text_range()
        except pdfium.PdfiumError:
            text = ""
        chars = re.sub(r"\s", "", text)
        n = len(chars)
        if n < MIN_TEXT_CHARS:
            routes.append(("ocr", "no text layer"))
            continue
        bad = len(BAD.findall(chars))
        if bad / n > GARBAGE_SHARE or (n >= 40 and len(CJK.findall(chars)) / n < 0.02):
            routes.append(("ocr", "text layer is CID garbage (no usable ToUnicode map)"))
        else:
            routes.append(("text", ""))
    return routes


def _snap(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > SNAP:
            out.append(v)
    return out


def _index(lines: list[float], v: float) -> int:
    return min(range(len(lines)), key=lambda k: abs(lines[k] - v))


def table_from_plumber(t, page_no: int) -> Table | None:
    """A pdfplumber table as anchor cells; spans rebuilt from the cell bboxes (covered positions are None)."""
    texts: dict[tuple, str] = {}
    for row, row_text in zip(t.rows, t.extract()):
        for bbox, txt in zip(row.cells, row_text):
            if bbox is not None:
                texts[tuple(bbox)] = (txt or "").strip()
    xs = _snap([c[0] for c in t.cells] + [c[2] for c in t.cells])
    ys = _snap([c[1] for c in t.cells] + [c[3] for c in t.cells])
    if len(xs) < 2 or len(ys) < 2:
        return None
    cells: list[Cell] = []
    taken: set[tuple[int, int]] = set()
    for bbox in sorted(t.cells, key=lambda b: (round(b[1]), b[0])):
        c0, c1 = _index(xs, bbox[0]), _index(xs, bbox[2])
        r0, r1 = _index(ys, bbox[1]), _index(ys, bbox[3])
        if c1 <= c0 or r1 <= r0 or (r0, c0) in taken:
            continue
        cells.append(Cell(r0, c0, texts.get(tuple(bbox), ""), r1 - r0, c1 - c0))
        taken.update((r, c) for r in range(r0, r1) for c in range(c0, c1))
    table = Table(cells=_split_fused_cells(cells), page=page_no, source="pdfplumber")
    if table.n_cols < 2 and table.n_rows < 2:
        return None  # a framed paragraph, not a table
    return table


def _numeric_rows(cells: list[Cell]) -> set[int]:
    """Rows that hold a number in a cell of their own: data rows, not header rows."""
    from nianbao.values import BLANK, TEXT, parse_value

    return {c.row for c in cells if c.rowspan == 1 and parse_value(c.text).kind not in (TEXT, BLANK)}


def _split_fused_cells(cells: list[Cell]) -> list[Cell]:
    """A header cell fused with the data cells below it when a rule is missing ('总计\n0' spanning into the
    first data row): its trailing number lines go back to the bottom rows it covers, one per line."""
    from nianbao.values import BLANK, TEXT, parse_value

    numeric_rows = _numeric_rows(cells)
    out: list[Cell] = []
    for c in cells:
        lines = [x for x in c.text.split("\n") if x.strip()]
        tail = 0
        while tail < len(lines) - 1 and parse_value(lines[len(lines) - 1 - tail]).kind not in (TEXT, BLANK):
            tail += 1
        # a header cell (its top row holds no numbers) that reaches down into data rows: those rows are cells
        # of their own, holding the trailing numbers, or blank
        data = 0
        while data < c.rowspan - 1 and c.row not in numeric_rows and c.row + c.rowspan - 1 - data in numeric_rows:
            data += 1
        if c.rowspan < 2 or not data or tail > data:
            out.append(c)
            continue
        bottom = list(range(c.row + c.rowspan - data, c.row + c.rowspan))
        values = [""] * (data - tail) + lines[len(lines) - tail :]
        out.append(Cell(c.row, c.col, "\n".join(lines[: len(lines) - tail]), c.rowspan - data, c.colspan))
        out.extend(Cell(r, c.col, v, 1, c.colspan) for r, v in zip(bottom, values))
    return out


def _join(a: str, b: str) -> str:
    return a + (" " if a[-1:].isascii() and a[-1:].isalnum() and b[:1].isascii() and b[:1].isalnum() else "") + b


def lines_to_paragraphs(lines: list[dict], page_no: int, page_height: float) -> list[tuple[float, Paragraph]]:
    """Text lines to paragraphs: a line reaching the right margin continues into an unindented next line."""
    lines = [ln for ln in lines if ln["text"].strip()]
    keep = []
    for ln in lines:
        near_edge = ln["top"] < page_height * 0.08 or ln["bottom"] > page_height * 0.92
        if near_edge and PAGE_NUMBER.match(ln["text"].strip()):
            continue
        keep.append(ln)
    if not keep:
        return []
    left = min(ln["x0"] for ln in keep)
    right = max(ln["x1"] for ln in keep)
    out: list[tuple[float, Paragraph]] = []
    prev = None
    for ln in keep:
        h = max(ln["bottom"] - ln["top"], 1.0)
        text = ln["text"].strip()
        if prev is not None:
            ph = max(prev["bottom"] - prev["top"], 1.0)
            continues = (
                prev["x1"] >= right - 2.2 * ph
                and ln["x0"] <= left + 1.2 * h
                and 0 <= ln["top"] - prev["bottom"] < 1.2 * h
                and ln.get("_region") == prev.get("_region")
            )
            if continues:
                out[-1][1].text = _join(out[-1][1].text, text)
                prev = ln
                continue
        out.append((ln["top"], Paragraph(text, page=page_no)))
        prev = ln
    return out


def read_text_page(page, page_no: int) -> tuple[list, dict]:
    """Blocks of one text page in reading order, and each table's column positions (for stitching)."""
    has_rules = bool(page.objects.get("rect") or page.objects.get("line") or page.objects.get("curve"))
    found = page.find_tables() if has_rules else []
    items: list[tuple[float, object]] = []
    xs_of: dict[int, list[float]] = {}
    rest = page
    for t in found:
        table = table_from_plumber(t, page_no)
        if table is None:
            continue
        items.append((t.bbox[1], table))
        xs_of[id(table)] = _snap([c[0] for c in t.cells] + [c[2] for c in t.cells])
        x0, top, x1, bottom = t.bbox
        bbox = (max(x0, page.bbox[0]), max(top, page.bbox[1]), min(x1, page.bbox[2]), min(bottom, page.bbox[3]))
        if bbox[2] > bbox[0] and bbox[3] > bbox[1]:
            rest = rest.outside_bbox(bbox)
    lines = rest.extract_text_lines(strip=True, return_chars=False)
    table_tops = [top for top, _ in items]
    for ln in lines:  # lines on either side of a table never join into one paragraph
        ln["_region"] = sum(1 for top in table_tops if top < ln["top"])
    items.extend(lines_to_paragraphs(lines, page_no, float(page.height)))
    items.sort(key=lambda it: it[0])
    return [b for _, b in items], xs_of


def stitch(pages: list[list], xs_of: dict[int, list[float]], warnings: list[str]) -> list:
    """Join a table ending a page with a table starting the next when their columns agree."""
    blocks: list = []
    for page_blocks in pages:
        if (
            blocks
            and page_blocks
            and isinstance(blocks[-1], Table)
            and isinstance(page_blocks[0], Table)
            and _same_columns(blocks[-1], page_blocks[0], xs_of)
        ):
            first, nxt = blocks[-1], page_blocks[0]
            _append_rows(first, nxt, xs_of)
            warnings.append(f"table from page {first.page} continues on page {nxt.page}: stitched")
            blocks.extend(page_blocks[1:])
        else:
            blocks.extend(page_blocks)
    return blocks


def _same_columns(a: Table, b: Table, xs_of: dict[int, list[float]]) -> bool:
    """Same outer edges and mostly the same column lines (a fragment may lack a line no row of it needs)."""
    xa, xb = xs_of.get(id(a)), xs_of.get(id(b))
    if not xa or not xb:
        return a.n_cols == b.n_cols
    if abs(xa[0] - xb[0]) > 4 or abs(xa[-1] - xb[-1]) > 4:
        return False
    common = sum(1 for x in xa if any(abs(x - y) <= 4 for y in xb))
    return common >= 0.6 * min(len(xa), len(xb)) and common >= 2


def _regrid(t: Table, xs: list[float], union: list[float]) -> None:
    """Re-index a table's columns onto a finer set of column lines."""
    m = [_index(union, x) for x in xs]
    for c in t.cells:
        start, end = m[c.col], m[min(c.col + c.colspan, len(m) - 1)]
        c.col, c.colspan = start, max(end - start, 1)


def _vertical(text: str) -> bool:
    """Text set one or two characters per line; a number on its own ('0' under 总计) is a value, not that."""
    from nianbao.values import TEXT, ZH_NUMERAL, parse_value

    lines = [ln for ln in text.split("\n") if ln.strip()]
    return bool(lines) and all(len(ln.strip()) <= 2 and parse_value(ln).kind in (TEXT, ZH_NUMERAL) for ln in lines)


def _append_rows(a: Table, b: Table, xs_of: dict[int, list[float]]) -> None:
    """Put b's rows under a's: columns re-gridded on both fragments' lines, a repeated header row dropped,
    a merged cell cut by the page break (empty or vertical-text continuation) rejoined."""
    xa, xb = xs_of.get(id(a)), xs_of.get(id(b))
    if xa and xb and xa != xb:
        union: list[float] = []
        for v in sorted(xa + xb):
            if not union or v - union[-1] > 4:
                union.append(v)
        _regrid(a, xa, union)
        _regrid(b, xb, union)
        xs_of[id(a)] = union
    ga, gb = a.grid(), b.grid()
    skip = 1 if ga and gb and ga[0] == gb[0] and any(gb[0]) else 0
    offset = a.n_rows - skip
    bottom = {(c.col, c.colspan): c for c in a.cells if c.row + c.rowspan == a.n_rows}
    data_rows = _numeric_rows(a.cells)
    for c in sorted(b.cells, key=lambda c: (c.row, c.col)):
        if c.row < skip:
            continue
        top = bottom.get((c.col, c.colspan)) if c.row == skip else None
        # an empty continuation extends a label that already spans data rows (三、本年度办理结果), never a
        # header cell (自然人) sitting above the first data row
        spans_data = top is not None and any(r in data_rows for r in range(top.row, top.row + top.rowspan))
        if top is not None and (
            not c.text
            and top.rowspan > 1
            and spans_data
            or _vertical(top.text)
            and _vertical(c.text)
            and (top.rowspan > 1 or c.rowspan > 1)
        ):
            top.rowspan += c.rowspan
            top.text = "\n".join(filter(None, (top.text, c.text)))
            continue
        c.row += offset
        a.cells.append(c)


def read_pdf(data: bytes) -> Document:
    """Read PDF bytes: text pages through pdfplumber, pages without a usable text layer through OCR."""
    pdf = open_pdfium(data)
    try:
        n = len(pdf)
        if n == 0:
            raise _error("CorruptPDF", "the PDF has no pages")
        routes = triage(pdf)
        warnings: list[str] = []
        pages: list[list] = []
        xs_of: dict[int, list[float]] = {}
        plumber = None
        used_ocr = False
        try:
            for i, (route, reason) in enumerate(routes):
                if route == "text":
                    if plumber is None:
                        import pdfplumber

                        plumber = pdfplumber.open(io.BytesIO(data))
                    blocks, xs = read_text_page(plumber.pages[i], i + 1)
                    xs_of.update(xs)
                    pages.append(blocks)
                    plumber.pages[i].flush_cache()
                else:
                    from nianbao.readers.ocr import ocr_pdf_page

                    warnings.append(f"page {i + 1}: {reason}; read by OCR")
                    pages.append(ocr_pdf_page(pdf[i], i + 1))
                    used_ocr = True
        except Exception as e:  # pdfminer raises many kinds on damaged files
            from nianbao.readers import ReadError

            if isinstance(e, (ReadError, MemoryError)):
                raise
            raise _error("CorruptPDF", f"the PDF could not be parsed: {type(e).__name__}: {e}") from e
        finally:
            if plumber is not None:
                plumber.close()
        blocks = stitch(pages, xs_of, warnings)
    finally:
        pdf.close()
    return Document.from_blocks(blocks, format="pdf", encoding=None, pages=n, ocr=used_ocr, warnings=warnings)
