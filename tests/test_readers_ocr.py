"""OCR route: ruling-line grids with merged cells, and scanned pages read back with every number right."""

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw

from nianbao.document import Document
from nianbao.readers import read_document
from nianbao.readers.doc import soffice_path
from nianbao.readers.ocr import estimate_skew, find_grids
from nianbao.render.docx import render_docx
from nianbao.render.samples import report_2019, same_tables
from nianbao.render.scan import scan_pdf


def ruled() -> np.ndarray:
    """A 4×4 grid: columns 1-2 merged in the top row, column 0 merged over rows 1-2; a dash inside a cell."""
    img = Image.new("L", (900, 500), 255)
    d = ImageDraw.Draw(img)
    xs, ys = [100, 300, 500, 700, 850], [100, 180, 260, 340, 420]
    for y in ys:
        d.line([(xs[0], y), (xs[-1], y)], fill=0, width=2)
    for x in xs:
        d.line([(x, ys[0]), (x, ys[-1])], fill=0, width=2)
    d.rectangle([302, 102, 698, 178], fill=255)  # erase the boundary between columns 1 and 2 in the top row
    d.rectangle([102, 182, 298, 338], fill=255)  # erase the boundary between rows 1 and 2 in column 0
    d.line([(520, 300), (590, 300)], fill=0, width=2)  # a long dash in a cell, not a ruling
    return np.asarray(img)


def test_grid_with_merged_cells():
    (g,) = find_grids(ruled())
    spans = sorted((c["row"], c["col"], c["rowspan"], c["colspan"]) for c in g["cells"])
    assert spans[:3] == [(0, 0, 1, 1), (0, 1, 1, 2), (0, 3, 1, 1)]
    assert (1, 0, 2, 1) in spans
    assert (
        len(spans) == 4 * 4 - 1 - 1
    )  # 16 positions, one covered in row 0 and one in column 0 (the dash splits nothing)


def test_skew_estimate():
    img = Image.fromarray(ruled()).rotate(0.6, fillcolor=255)
    assert abs(estimate_skew(img) + 0.6) < 0.15


@pytest.mark.skipif(soffice_path() is None, reason="LibreOffice not installed (make system-deps)")
def test_scanned_page_every_number_right():
    from nianbao.render.pdf import docx_to_pdf

    want = report_2019(seed=11)
    (pdf,) = docx_to_pdf([render_docx(want)])
    scan = scan_pdf(pdf, pages=[0], skew_deg=0.4, blur=0.5, noise=0.005)  # page 1: prose, table A, top of B
    got = read_document(scan, "scan.pdf")
    assert got.ocr and got.pages == 1
    assert same_tables(Document.from_blocks([want.tables[0]]), Document.from_blocks([got.tables[0]]), loose=True) == []
    b_numbers = [c.text for c in want.tables[1].cells if c.text.isdigit()]
    got_b = [c.text for c in got.tables[1].cells]
    for n in b_numbers[:14]:  # the rows 一 and 二 are on page 1
        assert n in got_b
    assert all(c.confidence is not None for c in got.tables[0].cells if c.text)
    assert any("政务公开专栏" in b.text for b in got.blocks if not hasattr(b, "cells"))


def test_read_image_png():
    img = Image.fromarray(ruled()).convert("L")
    d = ImageDraw.Draw(img)
    from PIL import ImageFont

    try:
        font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 36)
    except OSError:
        pytest.skip("no CJK font for the fixture")
    d.text((130, 120), "总计", font=font, fill=0)
    d.text((330, 120), "申请人情况", font=font, fill=0)
    d.text((330, 200), "125", font=font, fill=0)
    d.text((730, 360), "8", font=font, fill=0)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    got = read_document(buf.getvalue(), "table.png")
    assert got.format == "image" and got.ocr
    cells = {(c.row, c.col): c.text for c in got.tables[0].cells}
    assert cells[(0, 0)] == "总计" and cells[(0, 1)] == "申请人情况"
    assert cells[(1, 1)] == "125" and cells[(3, 3)] == "8"
