"""`nianbao synth`: write N generated reports of every era and layout, and their truth.json, into a directory."""

import argparse
import importlib
import json
import random
import sys
from collections.abc import Callable
from pathlib import Path

from .generate import VIOLATION_RATE, generate
from .layouts import STYLES, encode, render_text
from .model import TEMPLATES, ReportSpec
from .phenomena import PHENOMENA, PROFILES, apply_phenomena, template_for
from .tables import build_document
from .truth import truth_entry

Renderer = Callable[[ReportSpec], bytes]


def render_txt(spec: ReportSpec) -> bytes:
    """Text in the spec's layout, or as a converter's Markdown / an archiver's dump, with a crawler's header."""
    from . import flatten

    if "markdown_tables" in spec.phenomena:
        text = flatten.markdown(spec)
    elif "crawler_dump" in spec.phenomena:
        text = flatten.crawler_dump(spec)
    else:
        text = render_text(spec)
    if "crawler_header" in spec.phenomena:
        rng = random.Random(f"header:{spec.file}:{spec.agency}")
        text = "\n".join(flatten.header_lines(spec, rng)) + "\n" + text
    return encode(text, spec.layout.encoding)


def render_html(spec: ReportSpec) -> bytes:
    """HTML through nianbao.render.html: GB pages labelled gb2312 (the common trap), a portal frame when dated."""
    from nianbao.render.html import render_html as html

    gb = spec.layout.encoding.startswith("gb")
    title = spec.body[0][1] if spec.body else "政府信息公开工作年度报告"
    kw: dict = {}
    page = spec.page
    if "portal_metadata" in spec.phenomena:
        kw = dict(
            portal=True, site=page["site"], publisher=page["publisher"], date=page["date"], index_no=page["index_no"]
        )
    elif spec.published_on is not None and spec.layout.style in ("tab", "mixed") and "meta_tags" not in spec.phenomena:
        kw = dict(
            portal=True,
            site=(spec.region.county or spec.region.city or "") + "人民政府",
            publisher=spec.agency,
            date=spec.published_on.isoformat(),
        )
    if "meta_tags" in spec.phenomena:
        kw["meta"] = {"PubDate": page["meta_date"], "Author": page["meta_author"]}
    if "pipe_rows_in_html_p" in spec.phenomena:
        kw["p_rows"] = True
    return html(
        build_document(spec),
        encoding="gb18030" if gb else "utf-8",
        charset_label="gb2312" if gb else None,
        title=title,
        **kw,
    )


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


def write_corpus(
    out: Path,
    count: int,
    seed: int,
    formats: list[str],
    violation_rate: float = VIOLATION_RATE,
    series: bool = False,
    profile: str = "classic",
    phenomena: list[str] | None = None,
    any_container: bool = False,
    keep_truth: bool = True,
) -> list[dict]:
    """Write the documents and truth.json; returns the truth list (empty with keep_truth=False: a national-size
    corpus streams its truth entries to truth.json one by one, so memory does not grow with `count`).

    `profile` draws the real-world phenomena of nianbao.synth.phenomena at their rates (classic: none; the CLI's
    default is `default`); `phenomena` names the ones every document carries where they apply. A phenomenon that
    lives in a container (a portal page: html; a crawler's text: txt) is drawn only when that format is in
    `formats`, or always with `any_container`; its document is written in that format.
    With `series`, `count` is a number of bodies, each reporting 2019–2023 (nianbao.synth.series); cross-report
    breaks are injected at `violation_rate`."""
    out.mkdir(parents=True, exist_ok=True)
    if series:
        from .series import write_series

        truth = write_series(out, count, seed, [f for f in formats if f != "pdf"] or ["txt"], violation_rate)
        (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
        return truth
    fns = {f: render_docx if f == "pdf" else renderer(f) for f in formats}
    for name in phenomena or []:
        if name not in PHENOMENA:
            raise ValueError(f"no phenomenon {name!r} (known: {', '.join(PHENOMENA)})")
    if profile not in PROFILES:
        raise ValueError(f"no profile {profile!r} (known: {', '.join(PROFILES)})")
    truth, pdfs = [], []
    sink = (out / "truth.json").open("w", encoding="utf-8")
    sink.write("[")
    for i in range(count):
        template, style = plan(i)
        if phenomena:
            template = template_for(phenomena[i % len(phenomena)], template, i // len(phenomena))
        spec = apply_phenomena(
            generate(seed, i, template, style, violation_rate),
            seed,
            i,
            profile,
            phenomena,
            None if any_container else set(formats),
        )
        fmt = formats[i % len(formats)]
        if spec.container and spec.container != fmt:
            fmt = spec.container
            fns.setdefault(fmt, renderer(fmt))
        spec.file = f"{i:05d}_{template}_{style}.{fmt}"
        data = fns[fmt](spec)
        if fmt == "pdf":
            pdfs.append((spec.file, data))  # converted together: one LibreOffice run for the lot
        else:
            (out / spec.file).write_bytes(data)
        entry = truth_entry(spec)
        sink.write(("\n" if i == 0 else ",\n") + json.dumps(entry, ensure_ascii=False, indent=1))
        if keep_truth:
            truth.append(entry)
    sink.write("\n]")
    sink.close()
    if pdfs:
        from nianbao.render.pdf import docx_to_pdf

        for (name, _), pdf in zip(pdfs, docx_to_pdf([d for _, d in pdfs]), strict=True):
            (out / name).write_bytes(pdf)
    return truth


def synth_main(argv: list[str]) -> int:
    """Entry point of `nianbao synth --out DIR --count N --seed S [--formats txt,...]`; returns the exit status."""
    ap = argparse.ArgumentParser(prog="nianbao synth", description="write synthetic annual reports and truth.json")
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--formats",
        default="",
        help="comma-separated, cycled over the documents (default txt; "
        "without --formats a phenomenon's own container, html or txt, is used too)",
    )
    ap.add_argument("--violation-rate", type=float, default=VIOLATION_RATE)
    ap.add_argument(
        "--series",
        action="store_true",
        help="--count bodies, each reporting 2019-2023 with chained carry-over and stocks",
    )
    ap.add_argument(
        "--profile",
        default="default",
        choices=tuple(PROFILES),
        help="real-world phenomena drawn at their estimated rates (default), denser (real), none (classic)",
    )
    ap.add_argument(
        "--phenomena",
        default="",
        help="comma-separated phenomena every document carries where they apply (see nianbao.synth.phenomena)",
    )
    try:
        args = ap.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    formats = [f.strip() for f in args.formats.split(",") if f.strip()] or ["txt"]
    try:
        wanted = [p.strip() for p in args.phenomena.split(",") if p.strip()] or None
        write_corpus(
            args.out,
            args.count,
            args.seed,
            formats,
            args.violation_rate,
            args.series,
            args.profile,
            wanted,
            any_container=not args.formats.strip(),
            keep_truth=False,
        )
    except ValueError as e:
        print(f"nianbao synth: {e}", file=sys.stderr)
        return 2
    print(f"wrote {'bodies' if args.series else 'documents'} ({args.count}) and truth.json to {args.out}")
    return 0
