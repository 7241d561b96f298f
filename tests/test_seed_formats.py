"""Each seed, published by the generator as HTML (GB18030 labelled gb2312), DOCX with real merged cells, DOC,
PDF (through LibreOffice) and a scanned PDF, gives the same figures and metadata as the text seed."""

import json
import os

import pytest
from conftest import CORPUS, TRUTH

from nianbao.extract import extract_bytes
from nianbao.readers import doc as docreader
from nianbao.render.docx import render_docx
from nianbao.render.html import render_html
from nianbao.render.pdf import docx_to_doc, docx_to_pdf
from nianbao.render.scan import scan_pdf
from nianbao.synth.seeds import seed_spec
from nianbao.synth.tables import build_document

TRUTH_BY_FILE = {t["file"]: t for t in json.loads(TRUTH.read_text(encoding="utf-8"))}
SEEDS = sorted(TRUTH_BY_FILE)
TABLE_SEEDS = ["002_e30e2049e38d0093.txt", "004_7f3569336a1c441f.txt"]  # OCR takes seconds a page: scan these
HAVE_SOFFICE = docreader.soffice_path() is not None
needs_soffice = pytest.mark.skipif(
    not HAVE_SOFFICE and not os.environ.get("CI"), reason="LibreOffice not installed (make system-deps); CI installs it"
)


def _figures(out: dict) -> list[tuple]:
    return sorted((f["table"], f["row"], f["column"], f["value"]) for f in out["figures"])


def _meta(out: dict) -> dict:
    rep = dict(out["report"])
    return rep


@pytest.fixture(scope="module")
def published():
    """{format: {seed: bytes}} for every seed; LibreOffice formats converted in one run each."""
    docs = {name: build_document(seed_spec((CORPUS / name).read_bytes(), TRUTH_BY_FILE[name])) for name in SEEDS}
    out = {
        "html": {n: render_html(d, encoding="gb18030", charset_label="gb2312") for n, d in docs.items()},
        "docx": {n: render_docx(d) for n, d in docs.items()},
    }
    if HAVE_SOFFICE:
        names = list(docs)
        out["doc"] = dict(zip(names, docx_to_doc([out["docx"][n] for n in names])))
        out["pdf"] = dict(zip(names, docx_to_pdf([out["docx"][n] for n in names])))
        out["scan"] = {n: scan_pdf(out["pdf"][n]) for n in TABLE_SEEDS}
    return out


@pytest.fixture(scope="module")
def text_results():
    return {n: extract_bytes((CORPUS / n).read_bytes(), n) for n in SEEDS}


def _check(published, text_results, fmt, name):
    data = published[fmt][name]
    out = extract_bytes(data, name.replace(".txt", f".{fmt if fmt != 'scan' else 'pdf'}"))
    assert out["status"] == "ok", out["error"]
    assert out["format"] == ("pdf" if fmt == "scan" else fmt)
    assert _figures(out) == _figures(text_results[name])
    assert _meta(out) == _meta(text_results[name])
    return out


@pytest.mark.parametrize("fmt", ["html", "docx"])
@pytest.mark.parametrize("name", SEEDS)
def test_markup_formats_give_the_text_seed_figures(published, text_results, fmt, name):
    _check(published, text_results, fmt, name)


@needs_soffice
@pytest.mark.parametrize("fmt", ["doc", "pdf"])
@pytest.mark.parametrize("name", SEEDS)
def test_office_formats_give_the_text_seed_figures(published, text_results, fmt, name):
    out = _check(published, text_results, fmt, name)
    if fmt == "pdf":
        assert all(f["location"]["page"] for f in out["figures"] if f["table"] != "prose_metrics")


@needs_soffice
@pytest.mark.slow
@pytest.mark.parametrize("name", TABLE_SEEDS)
def test_scanned_pdf_gives_the_text_seed_figures(published, text_results, name):
    out = extract_bytes(published["scan"][name], name.replace(".txt", ".pdf"))
    assert out["ocr"] is True
    assert _figures(out) == _figures(text_results[name])
