"""Report metadata: the publishing body as printed, the year covered, the publication date, the region."""

import re
from collections import Counter
from datetime import date

from nianbao.document import Document, Paragraph
from nianbao.regions import resolve
from nianbao.values import zh_to_int

_ZH = "〇零一二三四五六七八九十"
_YEAR = r"(?P<y>(?:19|20)\d{2}|[〇零一二][〇零一二三四五六七八九]{3})"
_DATE = re.compile(
    rf"{_YEAR}\s*年\s*(?P<m>\d{{1,2}}|[{_ZH}]{{1,2}})\s*月\s*(?P<d>\d{{1,2}}|[{_ZH}]{{1,3}})\s*日")
_ISO_DATE = re.compile(r"(?P<y>20\d{2})[-./](?P<m>\d{1,2})[-./](?P<d>\d{1,2})")
_TITLE_YEAR = re.compile(rf"{_YEAR}\s*年\s*度?")
_PERIOD = re.compile(r"统计期限(?:为|是)?\s*自?\s*(?P<y>(?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
_TITLE_TAIL = re.compile(r"(?:政府)?信息公开(?:工作)?(?:年度)?(?:报告|年报).*$")
_UNIT_NAME = re.compile(r"(?:单位名称|填报单位|发布机构|发布单位)\s*[:：]\s*(?P<name>[^\s:：|，,。]{2,40}?)(?=\s|联系人|$|[|，,。])")
_UNIT_WORDS = ("单位名称", "填报单位", "发布机构", "发布单位")
_SIGNATURE = re.compile(r"^[\u4e00-\u9fff（）()]{2,40}(?:局|委员会|委|办公室|办|政府|办事处|协会|中心|院|会|厅|署|所|站|处|部|队)$")
_BODY_WORDS = ("局", "委", "办", "政府", "办事处", "协会", "科协", "中心", "院", "厅", "署", "街道", "镇", "乡", "部", "会")


_NAMES_REPORT = re.compile(r"(?:信息公开|政务公开).{0,8}(?:报告|年报)")
_BRACKET_EDGE = re.compile(r"^[（(【\[]|[）)】\]]$")


def _no_space(s: str) -> str:
    """The text without any whitespace (str.split's whitespace is regex \\s: both are str.isspace)."""
    return "".join(s.split())


def _num(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    return zh_to_int(s)


def _year(s: str) -> int | None:
    y = _num(s)
    return y if y and 1990 <= y <= 2100 else None


def parse_date(text: str) -> str | None:
    m = _DATE.search(text) or _ISO_DATE.search(text)
    if not m:
        return None
    y, mo, d = _year(m["y"]), _num(m["m"]), _num(m["d"])
    try:
        return date(y, mo, d).isoformat() if y and mo and d else None
    except ValueError:
        return None


def _lines(doc: Document) -> list[str]:
    return [s for b in doc.blocks if b.__class__ is Paragraph and (s := b.text.strip())]


def title_line(lines: list[str]) -> str | None:
    """The title: among the first lines, one that names the annual report; a generic one (a portal's page
    title '政府信息公开工作年度报告') gives way to a later one that names the body or the year."""
    titles = [line for line in lines[:5]
              if len(line) <= 80 and _NAMES_REPORT.search(line)]
    for line in titles:
        if agency_from_title(line) or _TITLE_YEAR.search(_no_space(line)):
            return line
    return titles[0] if titles else None


def agency_from_title(title: str) -> str | None:
    s = _no_space(title)
    s = _BRACKET_EDGE.sub("", s)
    s = _TITLE_TAIL.sub("", s)
    s = _TITLE_YEAR.sub("", s)
    s = s.removesuffix("关于").strip("的：:，, ").removeprefix("关于")
    return s if len(s) >= 2 and any(w in s for w in _BODY_WORDS) else None


def report_year(doc: Document, lines: list[str], title: str | None, published: str | None) -> int | None:
    if title:
        m = _TITLE_YEAR.search(_no_space(title))
        if m and _year(m["y"]):
            return _year(m["y"])
    m = _PERIOD.search(doc.text)
    if m:
        return int(m["y"])
    head = "\n".join(lines[:12])
    m = _TITLE_YEAR.search(head)
    pub_year = int(published[:4]) if published else None
    counts = Counter(int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})\s*年", doc.text))
    if pub_year:
        counts = Counter({y: c for y, c in counts.items() if y <= pub_year})
        if pub_year - 1 in counts:
            return pub_year - 1
    if m and _year(m["y"]):
        return _year(m["y"])
    return counts.most_common(1)[0][0] if counts else None


_DATE_NOISE = re.compile(r"[\s()（）]")
_CLAUSE_PUNCT = re.compile(r"[，。；：、]")
_DATE_LABEL = re.compile(r"(?:发布日期|发文日期|成文日期|日期)[:：](.+)$")
_SIGNED_DATE = re.compile(rf"^[\u4e00-\u9fff（）()]{{2,30}}?(?P<date>{_DATE.pattern})$")


def _standalone_date(line: str) -> str | None:
    """A date alone on its line, or after the signature on the same line (PDF text joins the two)."""
    s = _DATE_NOISE.sub("", line)
    if _DATE.fullmatch(s) or _ISO_DATE.fullmatch(s):
        return parse_date(s)
    m = _SIGNED_DATE.match(s)
    if m and not _CLAUSE_PUNCT.search(s):
        return parse_date(m.group("date"))
    m = _DATE_LABEL.match(s)
    return parse_date(m.group(1)) if m else None


def published_on(lines: list[str]) -> str | None:
    """A date standing on its own line: the last one (the signature; before any attached 统计表), else none."""
    for line in reversed(lines):
        if len(line) <= 40 and ("日" in line or "-" in line or "/" in line or "." in line):
            d = _standalone_date(line)
            if d:
                return d
    return None


def agency(doc: Document, lines: list[str], title: str | None) -> str | None:
    text = doc.text
    m = _UNIT_NAME.search(text) if any(w in text for w in _UNIT_WORDS) else None  # `in` first: far cheaper
    if m:
        return m["name"]
    if title:
        name = agency_from_title(title)
        if name:
            return name
    for line in reversed(lines[-6:]):
        s = re.sub(r"\s+", "", line)
        if _SIGNATURE.match(s) and not re.search(r"情况|工作|报告|问题|措施|事项", s):
            return s
    return None


def _page_value(page: dict, *labels: str) -> str | None:
    for lab in labels:
        v = (page.get(lab) or "").strip()
        if v:
            return v
    return None


def _page_date(page: dict) -> str | None:
    """The portal's own date box (发布日期, 发文日期, 成文日期), when the report text gives none."""
    v = _page_value(page, "发布日期", "发文日期", "成文日期", "公开日期")
    return parse_date(v) if v else None


def parse_metadata(doc: Document) -> dict:
    """{agency, region, report_year, published_on}."""
    lines = _lines(doc)
    page = getattr(doc, "meta", None) or {}
    title = title_line(lines) or (title_line([page["title"]]) if page.get("title") else None)
    pub = published_on(lines) or _page_date(page)
    name = agency(doc, lines, title) or _page_value(page, "发布机构", "发文机关", "来源")
    prose = "\n".join(lines)  # place names are in the prose and the title, not in table cells
    return {"agency": name, "region": resolve(prose, name),
            "report_year": report_year(doc, lines, title, pub), "published_on": pub}
