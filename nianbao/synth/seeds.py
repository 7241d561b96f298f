"""A real seed report as a generator spec: its own paragraphs and its hand-checked figures, so that the
renderers (HTML, DOCX, DOC, PDF, scan) can publish the same report in every format the agencies use."""

from datetime import date

from nianbao import eras
from nianbao.document import Paragraph, Table
from nianbao.parse.labels import core
from nianbao.readers.text import read_text

from .model import Layout, Region, ReportSpec
from .tables import LEGACY_HEADERS


def _header_values(table: Table) -> dict[str, tuple[str, str]]:
    """统计表 section rows that carry a value in the seed (seed 002: 42, 22, 0.5万元), keyed as the builder labels them."""
    by_core = {core(label): label for label in LEGACY_HEADERS.values()}
    out = {}
    for row in table.rows():
        texts = [c.text for c in row]
        if texts and core(texts[0]) in by_core and any(t.strip() for t in texts[1:]):
            out[by_core[core(texts[0])]] = (texts[1] if len(texts) > 1 else "", texts[2] if len(texts) > 2 else "")
    return out


def seed_spec(data: bytes, truth: dict) -> ReportSpec:
    """The spec of a seed: paragraphs in order, each flattened table replaced by the template table it holds."""
    doc = read_text(data)
    rep = truth["report"]
    template = rep["template"]
    region = rep.get("region") or {}
    spec = ReportSpec(
        agency=rep["agency"],
        region=Region(region.get("province"), region.get("city"), region.get("county"), ""),
        report_year=rep["report_year"],
        template=template,
        published_on=date.fromisoformat(
            rep["published_on"][0] if isinstance(rep["published_on"], list) else rep["published_on"]
        )
        if rep.get("published_on")
        else None,
        layout=Layout(fullwidth_parens="（一）" in doc.text),
    )
    for f in truth["figures"]:
        if f["table"] != "prose_metrics":
            spec.figures[(f["table"], f["row"], f["column"])] = f["value"]
    for b in truth.get("blank", []):
        spec.figures[(b["table"], b["row"], b["column"])] = None
    tables = iter(eras.get(template).tables)  # printed order (spec/eras.csv)
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            if block.text.strip():
                spec.body.append(("p", block.text.strip()))
            continue
        code = next(tables, None)
        if code is None:
            continue
        if code == "legacy_stats":
            spec.header_values = _header_values(block)
        spec.body.append(("table", code))
    return spec
