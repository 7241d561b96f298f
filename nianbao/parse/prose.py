"""Headline figures stated in the narrative (codebook table prose_metrics): counts, zeros said in words, 余/多/约."""

import functools
import re
from dataclasses import dataclass

from nianbao import codebook
from nianbao.document import Document, Paragraph
from nianbao.parse.labels import LABEL_MAX, core
from nianbao.parse.textblocks import Run, runs, text_blocks
from nianbao.report import Figure, location
from nianbao.values import parse_value

# 第二十条 is an article, 2023年 a year: neither is a count
_N = (
    r"(?<![第0-9０-９.零〇一二两三四五六七八九十百千万])"
    r"(?P<num>(?:约|近)?\s*(?:[0-9０-９][0-9０-９,]*(?:\.[0-9]+)?\s*万?|[零〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万]*)\s*(?:余|多)?)"
    r"(?!\s*年)"
)
_SEP = r"[^，。；;,、\n0-9０-９]{0,6}?"
_SUM = r"(?:数量|件数|总数|数)?(?:共|共计|总计|合计)?(?:为|是|达)?"

# Traditional characters of the words the patterns read, one for one (spans stay valid): 申請 → 申请, 復議 → 复议
_TRADITIONAL = str.maketrans(
    "請復議訴訟費條發無沒處開資門計據應當辦務統數際與為從並過種類權關於來時這個們報單動餘約萬",
    "请复议诉讼费条发无没处开资门计据应当办务统数际与为从并过种类权关于来时这个们报单动余约万",
)


@dataclass(frozen=True)
class _Pattern:
    row: str
    regex: re.Pattern
    zero: bool = False
    needs: str = ""  # a character every match contains: a cheap test before the regex
    fallback: bool = False  # read only when no other pattern found the row anywhere in the document


_NEEDS = {
    "proactive_disclosed": "公",
    "applications_received": "申",
    "administrative_reviews": "复",
    "administrative_litigations": "诉",
    "fees_collected": "费",
}


def _p(row: str, pattern: str, zero: bool = False, needs: str = "", fallback: bool = False) -> _Pattern:
    return _Pattern(row, re.compile(pattern), zero, needs or _NEEDS[row], fallback)


_NONE = r"(?:未发生|没有发生|没有|未有|未曾|未出现|未发现|未收到|未接到|不存在|无)"

# first acceptable match wins, in this order, per row
PATTERNS = (
    _p(
        "proactive_disclosed",
        rf"主动(?:上报)?(?:公开|发布|公布)[^，。；;、\n0-9０-９]{{0,8}}?信息{_SEP}{_N}\s*(?:余|多)?\s*(?:条|件|篇)",
        needs="主",
    ),
    _p("proactive_disclosed", rf"主动公开{_SEP}{_N}\s*(?:余|多)?\s*条(?:政府)?信息", needs="主"),
    # 共公布政府信息2599条: without 主动, so only where no sentence says 主动公开 with a count
    _p(
        "proactive_disclosed",
        rf"(?:共|全年|年内)\s*(?:公布|公开|发布)[^，。；;、\n0-9０-９]{{0,6}}?信息{_SEP}{_N}\s*(?:余|多)?\s*条",
        fallback=True,
    ),
    _p(
        "applications_received",
        rf"(?:收到|受理|接到|接收)[^，。；;\n]{{0,12}}?(?:公开)?申请{_SUM}\s*{_N}\s*(?:件|个|条|份|宗)",
    ),
    _p("applications_received", rf"依申请公开(?:政府信息)?{_SUM}\s*{_N}\s*件"),
    _p("applications_received", r"(?:未|没有|未曾|无)(?:收到|受理|接到)[^。；;\n]{0,30}?申请", zero=True),
    _p("applications_received", r"(?:没有|未有|无)[^，。；;、\n]{0,3}?(?:依申请公开|信息公开申请|公开申请)", zero=True),
    _p("administrative_reviews", rf"行政复议(?:案件|案|申请)?{_SUM}\s*{_N}\s*(?:件|起|宗|次)"),
    _p("administrative_reviews", rf"{_NONE}[^。；;\n]{{0,40}}?行政复议", zero=True),
    _p("administrative_litigations", rf"行政诉讼(?:案件|案)?{_SUM}\s*{_N}\s*(?:件|起|宗|次)"),
    _p("administrative_litigations", rf"{_NONE}[^。；;\n]{{0,60}}?行政诉讼", zero=True),
    _p("fees_collected", rf"收取[^，。；;\n]{{0,10}}?费(?:用)?(?:共计|共|合计|总计)?(?:为)?\s*{_N}\s*元"),
    _p(
        "fees_collected", r"(?:不存在|未发生|没有|从未|未|无|不)[^。；;\n]{0,16}?收(?:取)?[^。；;\n]{0,6}?费", zero=True
    ),
    _p("fees_collected", r"(?:不存在|未发生|没有|从未进行)收费", zero=True),
)

_TIERS = (
    tuple(p for p in PATTERNS if not p.zero and not p.fallback),
    tuple(p for p in PATTERNS if p.fallback),
    tuple(p for p in PATTERNS if p.zero),
)

# A count in a clause with these words is not the year's own: a running total, a part, another year, a plan
_NOT_THE_YEARS = re.compile(
    r"累计|历年|其他|同比|较上年|比上年|上一?年度?|去年|明年|下一?年|计划|预计|将于|拟"
    r"|近[一二两三四五六七八九十0-9]{1,2}年|[一二两三四五六七八九十0-9]{1,2}年(?:来|以来)|以来"
)
# Zeros said in words that are the 2021 template's own row labels, flattened into text (逾期未按收费通知要求缴纳费用)
_LABEL_ZERO = re.compile(r"收费通知|缴纳|不补正|逾期")
# an enumerator inside a zero phrase: it runs across a list's items or a flattened table's rows, not one statement
_ENUMERATOR = re.compile(r"\d{1,2}[.．、](?=\D)|[一二三四五六七八九十]、|[（(][一二三四五六七八九十\d]{1,2}[)）]")
_CLAUSE_START = re.compile(r"[，。；;,！？!?:：]")


@functools.cache
def _label_cores() -> frozenset[str]:
    return frozenset(core(e.label) for e in codebook.entries())


def _may_state_metric(text: str) -> bool:
    """A text with none of the characters the patterns need (_NEEDS) states no metric."""
    return "公" in text or "申" in text or "复" in text or "诉" in text or "费" in text  # cheaper than a regex


assert set(_NEEDS.values()) == {"公", "申", "复", "诉", "费"}, "keep _may_state_metric in step with _NEEDS"


_TRADITIONAL_HINT = re.compile("[請復議訴開資條費動無發]")


def _prose_runs(doc: Document, blocks: list[Paragraph] | None = None) -> list[Run]:
    """Running text that can state a metric: prose, not a table label printed on its own line."""
    labels = _label_cores()

    def is_label(text: str) -> bool:
        return len(text) <= LABEL_MAX and core(text) in labels

    def keep(text: str) -> bool:  # _may_state_metric, inlined: called for every line
        return ("公" in text or "申" in text or "复" in text or "诉" in text or "费" in text) and (
            len(text) > LABEL_MAX or core(text) not in labels
        )

    blocks = text_blocks(doc) if blocks is None else blocks
    if _TRADITIONAL_HINT.search(doc.text) is None:
        return runs(blocks, keep, is_label)  # a label line is never joined to its neighbours
    out = []
    for r in runs(blocks, drop=is_label):
        text = r.text.translate(_TRADITIONAL)
        if keep(text):
            out.append(Run(text, r.pieces))
    return out


def prose_figures(doc: Document, blocks: list[Paragraph] | None = None) -> list[Figure]:
    """One figure per prose metric: a stated number anywhere wins over a zero said in words.
    `blocks`: the document's text_blocks when the caller has them already."""
    found: dict[str, Figure] = {}
    text_runs = _prose_runs(doc, blocks)
    for pats in _TIERS:
        _scan(text_runs, pats, found)
    return list(found.values())


def _clause_before(text: str, start: int) -> str:
    """The clause a match stands in, up to the match: from the last clause punctuation or open bracket."""
    head = text[max(0, start - 60) : start]
    cut = max((m.end() for m in _CLAUSE_START.finditer(head)), default=0)
    clause = head[cut:]
    opened = max(head.rfind("（"), head.rfind("("))
    closed = max(head.rfind("）"), head.rfind(")"))
    if opened > closed:  # inside a bracket: a breakdown (其中 …) or an aside, not the headline
        clause += "其他"
    return clause


def _acceptable(pat: _Pattern, text: str, m: re.Match) -> bool:
    if pat.zero:
        return not _LABEL_ZERO.search(text, max(0, m.start() - 8), m.end() + 8) and not _ENUMERATOR.search(m.group(0))
    return not _NOT_THE_YEARS.search(_clause_before(text, m.start()) + text[m.start() : m.start("num")])


def _scan(text_runs: list[Run], patterns, found: dict[str, Figure]) -> None:
    for run in text_runs:
        text = run.text
        for pat in patterns:
            if pat.row in found or pat.needs not in text:
                continue
            m = pat.regex.search(text)
            while m is not None and not _acceptable(pat, text, m):
                m = pat.regex.search(text, m.start() + 1)
            if m is not None and (fig := _figure(pat, run, m)) is not None:
                found[pat.row] = fig


def _figure(pat: _Pattern, run: Run, m: re.Match) -> Figure | None:
    text = run.text
    if pat.zero:
        span = run.span(m.start(), m.end())
        return Figure(
            "prose_metrics",
            pat.row,
            "value",
            0,
            m.group(0),
            location(page=run.page(m.start()), char_span=span),
            kind="none_word",
        )
    raw = m.group("num").strip()
    number = raw.rstrip("余多").rstrip()
    v = parse_value(number.replace(",", "").replace("，", ""))
    if v.value is None:
        return None
    tail = text[m.end("num") : m.end()]
    approx = v.approximate or number != raw or "余" in tail[:2] or "多" in tail[:2]
    start = m.start("num") + (len(m.group("num")) - len(m.group("num").lstrip()))
    span = run.span(start, start + len(raw))
    return Figure(
        "prose_metrics",
        pat.row,
        "value",
        v.value,
        raw,
        location(page=run.page(start), char_span=span),
        approximate=approx,
        kind=v.kind,
    )
