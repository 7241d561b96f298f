"""DOCX walker: real gridSpan/vMerge, wrappers, tracked changes, field codes, slivers and the zip-bomb guard."""

import io
import struct
import zipfile

import pytest

from nianbao.readers import ReadError, read_document
from nianbao.readers.docx import read_docx
from nianbao.render.docx import render_docx
from nianbao.render.samples import report_2019, same_tables

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_with_body(body: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", f"<w:document {W}><w:body>{body}</w:body></w:document>")
    return buf.getvalue()


def test_rendered_report_reads_back_exactly():
    doc = report_2019()
    got = read_document(render_docx(doc), "r.docx")
    assert got.format == "docx"
    assert same_tables(doc, got) == []
    b = got.tables[1]
    assert (b.n_rows, b.n_cols, len(b.cells)) == (26, 10, 198)
    label = next(c for c in b.cells if c.text.startswith("三\n、"))
    assert (label.row, label.col, label.rowspan, label.colspan) == (5, 0, 20, 1)
    assert [p.text for p in got.blocks if not hasattr(p, "cells")] == [
        p.text for p in doc.blocks if not hasattr(p, "cells")
    ]


def test_sliver_column_is_dropped_and_cells_clipped():
    doc = report_2019()
    data = render_docx(doc, slivers={2: 5, 1: 3})
    assert b'w:w="1"' in zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    assert same_tables(doc, read_docx(data)) == []


def test_wrappers_deletions_fields_hmerge_gridbefore():
    body = """
    <w:sdt><w:sdtContent><w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p></w:sdtContent></w:sdt>
    <w:p><w:r><w:t>全年公开</w:t></w:r><w:del><w:r><w:delText>99</w:delText></w:r></w:del>
      <w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>
      <w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>42</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>
      <w:r><w:t>条</w:t><w:tab/><w:t>备注</w:t></w:r></w:p>
    <w:tbl><w:tblGrid><w:gridCol w:w="2000"/><w:gridCol w:w="2000"/><w:gridCol w:w="2000"/></w:tblGrid>
      <w:tr><w:tc><w:tcPr><w:hMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>申请人情况</w:t></w:r></w:p></w:tc>
            <w:tc><w:tcPr><w:hMerge/></w:tcPr><w:p/></w:tc>
            <w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>总</w:t></w:r></w:p><w:p><w:r><w:t>计</w:t></w:r></w:p></w:tc></w:tr>
      <w:customXml><w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>
            <w:tc><w:p><w:r><w:t>法人</w:t></w:r></w:p></w:tc>
            <w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr></w:customXml>
      <w:tr><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc><w:sdt><w:sdtContent><w:tc><w:p><w:r><w:t>2</w:t></w:r></w:p></w:tc></w:sdtContent></w:sdt>
            <w:tc><w:p><w:r><w:t>3</w:t></w:r><w:r><w:br/><w:t>件</w:t></w:r></w:p></w:tc></w:tr>
    </w:tbl>"""
    got = read_docx(docx_with_body(body))
    assert [b.text for b in got.blocks[:2]] == ["一、总体情况", "全年公开42条\t备注"]
    t = got.tables[0]
    assert [(c.row, c.col, c.rowspan, c.colspan, c.text) for c in t.cells] == [
        (0, 0, 1, 2, "申请人情况"),
        (0, 2, 2, 1, "总\n计"),
        (1, 1, 1, 1, "法人"),
        (2, 0, 1, 1, "1"),
        (2, 1, 1, 1, "2"),
        (2, 2, 1, 1, "3\n件"),
    ]


def test_zip_bomb_refused_before_inflating():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", f"<w:document {W}><w:body/></w:document>")
    data = bytearray(buf.getvalue())
    # claim a 4 GB uncompressed size in the central directory, as a bomb's header would
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 24 : cd + 28] = struct.pack("<I", 0xFFFFFFF0)
    with pytest.raises(ReadError) as e:
        read_docx(bytes(data))
    assert e.value.kind == "ZipBomb"


def test_corrupt_docx_is_a_read_error():
    data = docx_with_body("<w:p><w:r><w:t>x</w:t></w:r></w:p>")
    with pytest.raises(ReadError) as e:
        read_docx(data[: len(data) // 2])
    assert e.value.kind == "CorruptDOCX"
