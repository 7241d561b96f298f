"""PDF reader: ruled tables with spans from pdfplumber, tables stitched across pages, encrypted and corrupt files."""

import pytest

from nianbao.readers import ReadError, read_document
from nianbao.readers.doc import soffice_path
from nianbao.render.docx import render_docx
from nianbao.render.samples import long_table_report, report_2019, same_tables

pytestmark = pytest.mark.skipif(soffice_path() is None, reason="LibreOffice not installed (make system-deps)")


@pytest.fixture(scope="module")
def pdfs():
    from nianbao.render.pdf import docx_to_pdf

    report, long = report_2019(), long_table_report(n_rows=90)
    a, b = docx_to_pdf([render_docx(report), render_docx(long, header_rows=1)])
    (enc,) = docx_to_pdf([render_docx(report)], password="secret")
    return {"report": (report, a), "long": (long, b), "encrypted": enc}


def test_report_tables_with_spans_and_pages(pdfs):
    want, data = pdfs["report"]
    got = read_document(data, "r.pdf")
    assert got.format == "pdf" and got.pages >= 3 and not got.ocr
    assert same_tables(want, got, loose=True) == []  # B runs across pages: stitched, spans rebuilt
    assert any("stitched" in w for w in got.warnings)
    assert all(b.page is not None for b in got.blocks)
    paras = [b.text for b in got.blocks if not hasattr(b, "cells")]
    assert paras == [b.text for b in want.blocks if not hasattr(b, "cells")]  # wrapped lines rejoined
    order = ["T" if hasattr(b, "cells") else "P" for b in got.blocks]
    assert order == ["T" if hasattr(b, "cells") else "P" for b in want.blocks]


def test_long_table_stitched_with_repeated_header_dropped(pdfs):
    want, data = pdfs["long"]
    got = read_document(data, "l.pdf")
    assert got.pages >= 2
    assert len(got.tables) == 1
    assert got.tables[0].n_rows == 90
    assert same_tables(want, got, loose=True) == []


def test_encrypted_pdf(pdfs):
    with pytest.raises(ReadError) as e:
        read_document(pdfs["encrypted"], "e.pdf")
    assert e.value.kind == "EncryptedPDF"


def test_truncated_and_garbage_pdf(pdfs):
    data = pdfs["report"][1]
    with pytest.raises(ReadError) as e:
        read_document(data[: len(data) // 3], "t.pdf")
    assert e.value.kind == "CorruptPDF"
    with pytest.raises(ReadError) as e:
        read_document(b"%PDF-1.7\n" + bytes(range(256)) * 40, "g.pdf")
    assert e.value.kind == "CorruptPDF"
