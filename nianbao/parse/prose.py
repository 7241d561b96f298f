"""Headline figures stated in the narrative (codebook table prose_metrics): counts, zeros said in words, 余/多/约."""

import functools
import re
from dataclasses import dataclass

from nianbao import codebook
from nianbao.parse.labels import LABEL_MAX, core

from nianbao.document import Document, Paragraph
from nianbao.report import Figure, location
from nianbao.values import parse_value

_N = r"(?P<num>(?:约|近)?\s*[0-9０-９]+(?:\.[0-9]+)?\s*(?:余|多)?|[零〇一二两三四五六七八九十百千]+)"
_SEP = r"[^，。；;,\n0-9０-９]{0,6}?"


@dataclass(frozen=True)
class _Pattern:
    row: str
    regex: re.Pattern
    zero: bool = False
    needs: str = ""  # a character every match contains: a cheap test before the regex


_NEEDS = {"proactive_disclosed": "主", "applications_received": "申", "administrative_reviews": "复",
          "administrative_litigations": "诉", "fees_collected": "费"}


def _p(row: str, pattern: str, zero: bool = False) -> _Pattern:
    return _Pattern(row, re.compile(pattern), zero, _NEEDS[row])


# first match wins, in this order, per row
PATTERNS = (
    _p("proactive_disclosed", rf"主动(?:上报)?公开(?:政府)?信息{_SEP}{_N}\s*(?:余|多)?\s*条"),
    _p("proactive_disclosed", rf"主动公开{_SEP}{_N}\s*(?:余|多)?\s*条(?:政府)?信息"),
    _p("applications_received", rf"(?:收到|受理)[^，。；\n]{{0,12}}?(?:公开)?申请(?:共|共计)?\s*{_N}\s*(?:件|个|条|份)"),
    _p("applications_received", rf"依申请公开(?:政府信息)?(?:共|共计)?\s*{_N}\s*件"),
    _p("applications_received", r"(?:未|没有)(?:收到|受理)[^。；\n]{0,30}?申请", zero=True),
    _p("administrative_reviews", rf"行政复议(?:案件|案)?(?:共|共计)?\s*{_N}\s*(?:件|起|宗)"),
    _p("administrative_reviews", r"(?:未发生|没有发生|未发现|未出现|无)[^。；\n]{0,40}?行政复议", zero=True),
    _p("administrative_litigations", rf"行政诉讼(?:案件|案)?(?:共|共计)?\s*{_N}\s*(?:件|起|宗)"),
    _p("administrative_litigations", r"(?:未发生|没有发生|未发现|未出现|无)[^。；\n]{0,60}?行政诉讼", zero=True),
    _p("fees_collected", rf"收取[^，。；\n]{{0,10}}?费(?:用)?(?:共计|共|合计)?\s*{_N}\s*元"),
    _p("fees_collected", r"(?:不存在|未发生|没有|从未|未|无|不)[^。；\n]{0,16}?收(?:取)?[^。；\n]{0,6}?费", zero=True),
    _p("fees_collected", r"(?:不存在|未发生|没有|从未进行)收费", zero=True),
)


@functools.cache
def _label_cores() -> frozenset[str]:
    return frozenset(core(e.label) for e in codebook.entries())


def _may_state_metric(text: str) -> bool:
    """A paragraph with none of the characters the patterns need (_NEEDS) states no metric."""
    return "主" in text or "申" in text or "复" in text or "诉" in text or "费" in text  # cheaper than a regex


assert set(_NEEDS.values()) == {"主", "申", "复", "诉", "费"}, "keep _may_state_metric in step with _NEEDS"


def _prose_paragraphs(doc: Document) -> list[Paragraph]:
    """Paragraphs that can state a metric: prose, not a table label printed on its own line."""
    labels = _label_cores()
    return [b for b in doc.blocks if b.__class__ is Paragraph and b.text and b.char_span is not None
            and _may_state_metric(b.text) and (len(b.text) > LABEL_MAX or core(b.text) not in labels)]


def prose_figures(doc: Document) -> list[Figure]:
    """One figure per prose metric: a stated number anywhere wins over a zero said in words."""
    found: dict[str, Figure] = {}
    paragraphs = _prose_paragraphs(doc)
    numeric = [p for p in PATTERNS if not p.zero]
    zeros = [p for p in PATTERNS if p.zero]
    for pats in (numeric, zeros):
        _scan(paragraphs, pats, found)
    return list(found.values())


def _scan(paragraphs: list[Paragraph], patterns, found: dict[str, Figure]) -> None:
    for block in paragraphs:
        text, base = block.text, block.char_span[0]
        for pat in patterns:
            if pat.row in found or pat.needs not in text:
                continue
            m = pat.regex.search(text)
            if not m:
                continue
            if pat.zero:
                span = (base + m.start(), base + m.end())
                fig = Figure("prose_metrics", pat.row, "value", 0, m.group(0), location(page=block.page, char_span=span),
                             kind="none_word")
            else:
                raw = m.group("num")
                v = parse_value(raw)
                if v.value is None:
                    continue
                tail = text[m.end("num"):m.end()]
                approx = v.approximate or "余" in tail[:2] or "多" in tail[:2]
                span = (base + m.start("num"), base + m.end("num"))
                fig = Figure("prose_metrics", pat.row, "value", v.value, raw.strip(),
                             location(page=block.page, char_span=span), approximate=approx, kind=v.kind)
            found[pat.row] = fig
