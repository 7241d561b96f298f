"""DOC/WPS through LibreOffice: a round trip that leaves a sliver grid column still reads back exactly."""

import io
import re
import zipfile

import pytest

from nianbao.readers import ReadError, read_document
from nianbao.readers import doc as docreader
from nianbao.render.docx import render_docx
from nianbao.render.samples import report_2019, same_tables

pytestmark = pytest.mark.skipif(docreader.soffice_path() is None, reason="LibreOffice not installed (make system-deps)")


@pytest.fixture(scope="module")
def report_doc():
    from nianbao.render.pdf import docx_to_doc

    doc = report_2019(seed=7)
    return doc, docx_to_doc([render_docx(doc, slivers={2: 5})])[0]


def test_doc_round_trip_with_sliver_column(report_doc):
    doc, data = report_doc
    assert data.startswith(b"\xd0\xcf\x11\xe0")
    docx = docreader.convert_to_docx(data)
    widths = [
        int(w)
        for w in re.findall(rb'<w:gridCol w:w="(\d+)"', zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml"))
    ]
    assert any(w < 60 for w in widths), "LibreOffice no longer leaves the sliver column: the fixture proves nothing"
    got = read_document(data, "report.doc")
    assert got.format == "doc"
    assert same_tables(doc, got) == []
    assert got.blocks[0].text == doc.blocks[0].text


def test_wps_named_file_is_read_as_wps(report_doc):
    doc, data = report_doc
    got = read_document(data, "report.wps")
    assert got.format == "wps" and same_tables(doc, got) == []


def test_batch_converted_copy_is_used(report_doc, monkeypatch):
    import hashlib

    doc, data = report_doc
    docreader.CONVERTED[hashlib.sha256(data).hexdigest()] = render_docx(doc)
    monkeypatch.setenv("NIANBAO_SOFFICE", "/nonexistent/soffice")  # would fail if it converted again
    assert same_tables(doc, read_document(data, "report.doc")) == []


def test_missing_libreoffice_says_how_to_install(report_doc, monkeypatch):
    monkeypatch.setenv("NIANBAO_SOFFICE", "/nonexistent/soffice")
    with pytest.raises(ReadError) as e:
        read_document(report_doc[1], "report.doc")
    assert e.value.kind == "ConverterMissing" and "make system-deps" in str(e.value)
