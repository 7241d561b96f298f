"""Render a Document to DOCX bytes with real merged cells (gridSpan, vMerge), ruled tables and optional sliver columns."""

import io
import zipfile
from xml.sax.saxutils import escape

from nianbao.document import Document, Paragraph, Table

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
</Types>"""
RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>"""
DOC_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>"""
STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W}"><w:docDefaults><w:rPrDefault><w:rPr>
<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="SimSun" w:cs="Times New Roman"/>
<w:sz w:val="21"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault>
<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="300" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/></w:style>
</w:styles>"""
PAGE_WIDTH_TWIPS = 9638
SLIVER_TWIPS = 1


def _para(text: str, size: int | None = None, center: bool = False) -> str:
    ppr = "<w:pPr>" + ('<w:jc w:val="center"/>' if center else "") + "</w:pPr>"
    rpr = f'<w:rPr><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>' if size else ""
    if not text:
        return f"<w:p>{ppr}</w:p>"
    parts = text.split("\t")
    runs = "<w:r><w:tab/></w:r>".join(f'<w:r>{rpr}<w:t xml:space="preserve">{escape(p)}</w:t></w:r>' for p in parts)
    return f"<w:p>{ppr}{runs}</w:p>"


def _grid_ranges(t: Table, sliver_before: int | None) -> tuple[list[int], dict]:
    """Grid column widths and each anchor's (start, span) on that grid, a sliver column inserted if asked."""
    n = max(t.n_cols, 1)
    widths = [PAGE_WIDTH_TWIPS // n] * n
    ranges = {id(c): (c.col, c.colspan) for c in t.cells}
    if sliver_before is None or not 0 < sliver_before < n:
        return widths, ranges
    k = sliver_before
    widths = widths[:k] + [SLIVER_TWIPS] + widths[k:]
    widths[k - 1] -= SLIVER_TWIPS
    owner_of_row: dict[int, str] = {}
    cover: dict[tuple[int, int], object] = {}
    for c in t.cells:
        for r in range(c.row, c.row + c.rowspan):
            for q in range(c.col, c.col + c.colspan):
                cover[r, q] = c
    for r in range(t.n_rows):
        left, right = cover.get((r, k - 1)), cover.get((r, k))
        if left is not None and left is right:
            owner_of_row[r] = "cross"
        elif left is not None and left.rowspan > 1:
            owner_of_row[r] = "left"
        elif right is not None and right.rowspan > 1:
            owner_of_row[r] = "right"
        else:
            owner_of_row[r] = "left" if r % 2 == 0 else "right"
    for c in t.cells:
        start, span = c.col, c.colspan
        end = start + span
        own = owner_of_row[c.row]
        if start < k < end or (end == k and own == "left"):
            ranges[id(c)] = (start, span + 1)
        elif start == k and own == "right":
            ranges[id(c)] = (start, span + 1)
        elif start >= k:
            ranges[id(c)] = (start + 1, span)
    return widths, ranges


def table_xml(t: Table, sliver_before: int | None = None, header_rows: int = 0) -> str:
    """A ruled w:tbl; merged cells as gridSpan and vMerge restart/continue."""
    widths, ranges = _grid_ranges(t, sliver_before)
    border = "".join(
        f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for s in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    out = [
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblBorders>{border}</w:tblBorders>'
        f'<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="40" w:type="dxa"/><w:right w:w="40" w:type="dxa"/>'
        f"</w:tblCellMar></w:tblPr><w:tblGrid>" + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths) + "</w:tblGrid>"
    ]
    for r in range(t.n_rows):
        out.append(
            "<w:tr><w:trPr><w:tblHeader/></w:trPr>" if r < header_rows else "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
        )
        q = 0
        row_cells = []
        for c in t.cells:
            if c.row == r or (c.row < r < c.row + c.rowspan):
                row_cells.append(c)
        row_cells.sort(key=lambda c: ranges[id(c)][0])
        ngrid = len(widths)
        for c in row_cells:
            start, span = ranges[id(c)]
            while q < start:  # a hole in the source grid: an empty cell
                out.append(f'<w:tc><w:tcPr><w:tcW w:w="{widths[q]}" w:type="dxa"/></w:tcPr><w:p/></w:tc>')
                q += 1
            width = sum(widths[start : start + span])
            tcpr = f'<w:tcW w:w="{width}" w:type="dxa"/>' + (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "")
            if c.rowspan > 1:
                tcpr += '<w:vMerge w:val="restart"/>' if c.row == r else "<w:vMerge/>"
            tcpr += '<w:vAlign w:val="center"/>'
            body = "".join(_para(line, size=18, center=True) for line in c.text.split("\n")) if c.row == r else "<w:p/>"
            out.append(f"<w:tc><w:tcPr>{tcpr}</w:tcPr>{body or '<w:p/>'}</w:tc>")
            q = start + span
        while q < ngrid:
            out.append(f'<w:tc><w:tcPr><w:tcW w:w="{widths[q]}" w:type="dxa"/></w:tcPr><w:p/></w:tc>')
            q += 1
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def document_xml(doc: Document, slivers: dict[int, int] | None = None, header_rows: int = 0) -> str:
    slivers = slivers or {}
    body = []
    ti = 0
    for b in doc.blocks:
        if isinstance(b, Paragraph):
            body.append(_para(b.text))
        else:
            body.append(table_xml(b, slivers.get(ti), header_rows))
            body.append("<w:p/>")
            ti += 1
    sect = (
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
        '<w:pgMar w:top="1440" w:right="1134" w:bottom="1440" w:left="1134" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr>'
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W}"><w:body>'
        + "".join(body)
        + sect
        + "</w:body></w:document>"
    )


def render_docx(doc: Document, slivers: dict[int, int] | None = None, header_rows: int = 0) -> bytes:
    """DOCX bytes; `slivers` maps a table index to a grid column before which a 1-twip column is inserted;
    `header_rows` first rows of every table repeat on each page (w:tblHeader)."""
    buf = io.BytesIO()
    parts = (
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", RELS),
        ("word/_rels/document.xml.rels", DOC_RELS),
        ("word/styles.xml", STYLES),
        ("word/document.xml", document_xml(doc, slivers, header_rows)),
    )
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts:  # a fixed timestamp: the same document gives the same bytes
            z.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), text, zipfile.ZIP_DEFLATED)
    return buf.getvalue()
