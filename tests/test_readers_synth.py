"""Synthetic reports of every template (nianbao.synth) survive HTML and DOCX rendering with their tables exact."""

import pytest

from nianbao.readers import read_document
from nianbao.render.docx import render_docx
from nianbao.render.html import render_html
from nianbao.render.samples import same_tables

synth = pytest.importorskip("nianbao.synth.generate")
tables = pytest.importorskip("nianbao.synth.tables")


@pytest.mark.parametrize("index", range(8))
def test_synthetic_layouts_round_trip(index):
    spec = synth.generate("readers", index)
    doc = tables.build_document(spec)
    assert doc.tables
    for name, data in (
        ("r.html", render_html(doc, encoding="gb18030", charset_label="gb2312", portal=True)),
        ("r.docx", render_docx(doc)),
    ):
        got = read_document(data, name)
        assert same_tables(doc, got) == [], (spec.template, name)
