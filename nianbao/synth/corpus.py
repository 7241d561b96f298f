"""`nianbao synth`: write N generated reports of every era and layout, and their truth.json, into a directory."""

import argparse
import importlib
import json
import sys
from pathlib import Path
from typing import Callable

from .generate import VIOLATION_RATE, generate
from .layouts import STYLES, encode, render_text
from .model import TEMPLATES, ReportSpec
from .tables import build_document
from .truth import truth_entry

Renderer = Callable[[ReportSpec], bytes]


def render_txt(spec: ReportSpec) -> bytes:
    return encode(render_text(spec), spec.layout.encoding)


def render_html(spec: ReportSpec) -> bytes:
    """HTML through nianbao.render.html: GB pages labelled gb2312 (the common trap), a portal frame when dated."""
    from nianbao.render.html import render_html as html
    gb = spec.layout.encoding.startswith("gb")
    title = spec.body[0][1] if spec.body else "政府信息公开工作年度报告"
    kw = {}
    if spec.published_on is not None and spec.layout.style in ("tab", "mixed"):
        kw = dict(portal=True, site=(spec.region.county or spec.region.city or "") + "人民政府",
                  publisher=spec.agency, date=spec.published_on.isoformat())
    return html(build_document(spec), encoding="gb18030" if gb else "utf-8", charset_label="gb2312" if gb else None,
                title=title, **kw)


def render_docx(spec: ReportSpec) -> bytes:
    from nianbao.render.docx import render_docx as docx
    return docx(build_document(spec))


RENDERERS: dict[str, Renderer] = {"txt": render_txt, "html": render_html, "docx": render_docx}


def register_renderer(fmt: str, fn: Renderer) -> None:
    """Let another module add a format (fn(spec) -> bytes; build_document(spec) gives the Document)."""
    RENDERERS[fmt] = fn


def renderer(fmt: str) -> Renderer:
    """The renderer of fmt (txt, html, docx; pdf is batched in write_corpus), else a registered one, else
    `nianbao.render.<fmt>.render(document, spec) -> bytes` if such a module exists."""
    if fmt in RENDERERS:
        return RENDERERS[fmt]
    try:
        mod = importlib.import_module(f"nianbao.render.{fmt}")
    except ImportError as e:
        raise ValueError(f"no renderer for format {fmt!r}") from e
    return lambda spec: mod.render(build_document(spec), spec)


def plan(i: int) -> tuple[str, str]:
    """Template and text layout of the i-th document: every pair comes round every 16 documents."""
    return TEMPLATES[i % len(TEMPLATES)], STYLES[(i // len(TEMPLATES)) % len(STYLES)]


def write_corpus(out: Path, count: int, seed: int, formats: list[str],
                 violation_rate: float = VIOLATION_RATE, series: bool = False) -> list[dict]:
    """Write the documents and truth.json; returns the truth list.

    With `series`, `count` is a number of bodies, each reporting 2019–2023 (nianbao.synth.series); cross-report
    breaks are injected at `violation_rate`."""
    out.mkdir(parents=True, exist_ok=True)
    if series:
        from .series import write_series
        truth = write_series(out, count, seed, [f for f in formats if f != "pdf"] or ["txt"], violation_rate)
        (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
        return truth
    fns = [render_docx if f == "pdf" else renderer(f) for f in formats]
    truth, pdfs = [], []
    for i in range(count):
        template, style = plan(i)
        spec = generate(seed, i, template, style, violation_rate)
        k = i % len(formats)
        spec.file = f"{i:05d}_{template}_{style}.{formats[k]}"
        data = fns[k](spec)
        if formats[k] == "pdf":
            pdfs.append((spec.file, data))       # converted together: one LibreOffice run for the lot
        else:
            (out / spec.file).write_bytes(data)
        truth.append(truth_entry(spec))
    if pdfs:
        from nianbao.render.pdf import docx_to_pdf
        for (name, _), pdf in zip(pdfs, docx_to_pdf([d for _, d in pdfs])):
            (out / name).write_bytes(pdf)
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return truth


def synth_main(argv: list[str]) -> int:
    """Entry point of `nianbao synth --out DIR --count N --seed S [--formats txt,...]`; returns the exit status."""
    ap = argparse.ArgumentParser(prog="nianbao synth", description="write synthetic annual reports and truth.json")
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--formats", default="txt", help="comma-separated, cycled over the documents (default txt)")
    ap.add_argument("--violation-rate", type=float, default=VIOLATION_RATE)
    ap.add_argument("--series", action="store_true",
                    help="--count bodies, each reporting 2019-2023 with chained carry-over and stocks")
    try:
        args = ap.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    try:
        truth = write_corpus(args.out, args.count, args.seed, formats, args.violation_rate, args.series)
    except ValueError as e:
        print(f"nianbao synth: {e}", file=sys.stderr)
        return 2
    print(f"wrote {len(truth)} documents and truth.json to {args.out}")
    return 0
