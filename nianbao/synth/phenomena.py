"""What real reports do that the classic corpus did not (issue 14): template hybrids, flattened tables, metadata
placements, prose phrasing. Each phenomenon changes a consistent spec and its truth together."""

import copy
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from nianbao import codebook, eras

from .check import broken_rules
from .flatten import plan_fusion
from .model import ReportSpec, fmt_number
from .printing import zh_date, zh_number
from .tables import LEGAL_PERSON_COLUMNS, OTHER_2019
from .violations import inject

T3, T4 = "t3_applications", "t4_review_litigation"
ALL_COLS = ("natural_person", *LEGAL_PERSON_COLUMNS, "total")
OTHER_SUBS = ("other_no_correction", "other_unpaid_fee", "other_other")
TABLE_RULES = {"R1", "R2", "R3", "R4", "R9"}
DATE_ONLY = re.compile(
    r"[（(]?(\d{4}年\d{1,2}月\d{1,2}日|[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月"
    r"[一二三四五六七八九十]{1,3}日)[)）]?"
)
Applier = Callable[[random.Random, ReportSpec], bool]


@dataclass(frozen=True)
class Phenomenon:
    """A real-world phenomenon: its group, the share of real reports estimated to show it, where it applies."""

    name: str
    group: str  # hybrid | flattened | metadata | prose
    rate: float  # drawn at this rate in the default corpus
    templates: tuple[str, ...]
    container: str  # "" (any), "txt" or "html": the format the phenomenon lives in
    apply: Applier
    seen: str  # where it was seen (../shared/real, domain.md)


# ---------------------------------------------------------------- helpers
def paragraphs(spec: ReportSpec) -> list[int]:
    """Indexes of the body's paragraphs (not headings, not tables)."""
    return [i for i, (kind, _t) in enumerate(spec.body) if kind == "p"]


def replace_text(spec: ReportSpec, old: str, new: str) -> bool:
    """Replace old by new in every paragraph; True when it was found."""
    found = False
    for i in paragraphs(spec):
        text = spec.body[i][1]
        if old in text:
            spec.body[i] = ("p", text.replace(old, new))
            found = True
    return found


def drop_dates(spec: ReportSpec) -> None:
    """Remove every paragraph that is only a date (the header date and the signed date)."""
    spec.body = [b for b in spec.body if not (b[0] == "p" and DATE_ONLY.fullmatch(b[1].strip()))]


def drop_signature(spec: ReportSpec) -> None:
    """Remove the paragraphs that are only the body's name (the signature)."""
    spec.body = [b for b in spec.body if not (b[0] == "p" and b[1].strip() == spec.agency)]


def dated(spec: ReportSpec) -> bool:
    """The report has one publication date (no header/closing disagreement)."""
    return spec.published_on is not None and not spec.published_also


def closing_at(spec: ReportSpec) -> int:
    """Where a signature goes: before the 统计表 attachment, else at the end."""
    for i, (kind, text) in enumerate(spec.body):
        if kind == "p" and text.startswith("附件:"):
            return i
    return len(spec.body)


def set_sentence(spec: ReportSpec, metric: str, new: str) -> bool:
    """Rewrite the sentence that states `metric`; False when the report states none."""
    old = spec.sentences.get(metric)
    if not old or not replace_text(spec, old, new):
        return False
    spec.sentences[metric] = new
    return True


def add_violation(spec: ReportSpec, rule: str) -> None:
    """Record that the report now breaks `rule` (re-proved by apply_phenomena)."""
    spec.violations = sorted({*spec.violations, rule})


# ---------------------------------------------------------------- template hybrids
def hybrid_2019_other_row(rng: random.Random, spec: ReportSpec) -> bool:
    """A 2021 report printing the 2019 single （六）其他处理 row (洪泽 2023/2024): coded other_handling, S1."""
    if spec.missing_rows:
        return False
    for c in ALL_COLS:
        parts = [spec.figures.get((T3, r, c)) for r in OTHER_SUBS]
        spec.extra_cells[(T3, OTHER_2019[0], c)] = None if all(p is None for p in parts) else sum(p or 0 for p in parts)
    for r in OTHER_SUBS:
        spec.missing_rows.add((T3, r))
        for c in ALL_COLS:
            spec.figures.pop((T3, r, c), None)
            spec.raw.pop((T3, r, c), None)
    add_violation(spec, "S1")
    return True


ANNOTATED = {
    "denied_security_stability": (
        '3.危及"三安全一稳定"',
        "3.危及“三安全一稳定”（国家安全、公共安全、经济安全、社会稳定）",
        "3.危及'三安全一稳定'",
    ),
    "partially_granted": ("（二）部分公开", "（二）部分公开(区分处理的,只计这一情形,不计其他情形)"),
    "denied_internal_affairs": ("5.属于三类内部事务信息（人事、后勤、内部工作流程）",),
    "denied_process_info": ("6.属于四类过程性信息（讨论记录、过程稿、磋商信函、请示报告）",),
}
TYPOS = {
    "denied_prohibited_by_law": "2.其他法律行政止公开",
    "denied_internal_affairs": "5.属于三类内部事物信息",
    "not_processed_petition": "1.信访举报投拆类申请",
    "unavailable_unclear": "3.补正后申请内容仍不明晰",
    "denied_third_party_rights": "4.保护第三方合法权宜",
}


def annotated_labels(rng: random.Random, spec: ReportSpec) -> bool:
    """Labels with quotes and annotations (危及"三安全一稳定", the 部分公开 note dropped or half-width)."""
    for row in rng.sample(sorted(ANNOTATED), rng.randint(1, 3)):
        spec.label_override[(T3, row)] = rng.choice(ANNOTATED[row])
    return True


def label_typos(rng: random.Random, spec: ReportSpec) -> bool:
    """Misprinted labels (洪泽: 2.其他法律行政止公开)."""
    for row in rng.sample(sorted(TYPOS), rng.randint(1, 2)):
        spec.label_override[(T3, row)] = TYPOS[row]
    return True


NUMBERING = ("（{}）", "{}、", "({})", "{}．", "")
CIRCLED = "①②③④⑤⑥⑦⑧⑨"


def renumbered_rows(rng: random.Random, spec: ReportSpec) -> bool:
    """Sub-rows of a 表三 group printed in another order and numbered another way ((1), 1、, ①, none)."""
    ts = codebook.table(spec.template, T3)
    groups = ("denied", "unavailable", "not_processed") + (("other_handling",) if spec.template == "2021" else ())
    moved = rng.sample(groups, rng.randint(1, 2))
    order = [r.code for r in ts.rows]
    for g in moved:
        members = [r.code for r in ts.rows if r.parent == g]
        at = [order.index(m) for m in members]
        shuffled = members[:]
        while shuffled == members:
            rng.shuffle(shuffled)
        for pos, code in zip(at, shuffled):
            order[pos] = code
    spec.row_order[T3] = order
    style = rng.choice((*NUMBERING, "circled"))
    for g in groups:
        members = [c for c in order if any(r.code == c and r.parent == g for r in ts.rows)]
        for k, code in enumerate(members, 1):
            label = spec.label_override.get((T3, code)) or next(r.label for r in ts.rows if r.code == code)
            stem = re.sub(r"^\d+\.", "", label)
            num = CIRCLED[k - 1] if style == "circled" else style.format(k) if style else ""
            spec.label_override[(T3, code)] = num + stem
    return True


def missing_row(rng: random.Random, spec: ReportSpec) -> bool:
    """A template row left out (S1)."""
    if "S1" in spec.violations or not inject(rng, spec, "S1"):
        return False
    add_violation(spec, "S1")
    return True


EXTRA_ROWS = (
    ("new_received", "其中：网上申请数量"),
    ("carried_forward", "五、办理中的申请"),
    ("granted", "其中：当场答复"),
    ("carried_over", "其中：跨年度办理"),
)


def extra_row(rng: random.Random, spec: ReportSpec) -> bool:
    """A row of no template (a local breakdown): its numbers stay unmapped, and the row is reported (S1)."""
    after, label = rng.choice(EXTRA_ROWS)
    if (T3, after) in spec.missing_rows:
        return False
    parts = [rng.choice((0, 0, 0, 1, 2)) for _ in range(6)]
    spec.extra_rows.append((T3, after, label, [str(p) for p in parts] + [str(sum(parts))]))
    add_violation(spec, "S1")
    return True


def t3_columns_reordered(rng: random.Random, spec: ReportSpec) -> bool:
    """The 法人或其他组织 columns of 表三 in another order (header and values alike)."""
    cols = list(LEGAL_PERSON_COLUMNS)
    while cols == list(LEGAL_PERSON_COLUMNS):
        rng.shuffle(cols)
    spec.column_order = tuple(cols)
    return True


# ---------------------------------------------------------------- flattened tables (rendered by flatten.py)
def blank_marks(rng: random.Random, spec: ReportSpec) -> bool:
    """Zero cells printed blank, '/', '—', '-' or empty, mixed within one table."""
    changed = False
    for key in sorted(spec.figures):
        if key[0] not in (T3, T4, "t2_proactive") or key in spec.protect or key in spec.raw:
            continue
        if spec.figures[key] == 0 and rng.random() < 0.6:
            spec.figures[key] = None
            mark = rng.choice(("/", "—", "-", ""))
            if mark:
                spec.raw[key] = mark
            changed = True
    return changed


def all_printed(spec: ReportSpec) -> None:
    """Every table cell printed as a plain number (crawler dumps: a blank would shift the cells after it)."""
    for key in list(spec.figures):
        if key[0] in (T3, T4, "t2_proactive"):
            if spec.figures[key] is None:
                spec.figures[key] = 0
            spec.raw.pop(key, None)
    for key in list(spec.extra_cells):
        if spec.extra_cells[key] is None:
            spec.extra_cells[key] = 0
        spec.raw.pop(key, None)


def crawler_dump(rng: random.Random, spec: ReportSpec) -> bool:
    """An archiver's page text: header lines, the body on one line, table cells run together (平潭 2021)."""
    if eras.is_national(spec.template):
        if TABLE_RULES & set(spec.violations) or spec.extra_rows:
            return False
        all_printed(spec)
        plan_fusion(rng, spec)
    return True


def markdown_tables(rng: random.Random, spec: ReportSpec) -> bool:
    """An OCR/LLM converter's Markdown: pipe tables, 表三 cut into small tables with placeholder headers (沭阳)."""
    return not (spec.extra_rows or spec.column_order)


def pipe_rows_in_html_p(rng: random.Random, spec: ReportSpec) -> bool:
    """A portal page whose tables are '|' rows inside <p> paragraphs."""
    return True


def t4_header_run(rng: random.Random, spec: ReportSpec) -> bool:
    """表四 as its header block followed by one line of 15 numbers."""
    return spec.layout.style in ("tab", "pipe", "lines", "mixed")


# ---------------------------------------------------------------- metadata placements
def site_of(spec: ReportSpec) -> str:
    """The government whose portal publishes the report (the county's, else the city's)."""
    r = spec.region
    return (r.county or r.city or r.province) + "人民政府"


def portal_metadata(rng: random.Random, spec: ReportSpec) -> bool:
    """A portal page whose 发布机构/发布日期 fields carry the metadata; the report text carries no date (and now
    and then no publishing body either) (平潭 2019)."""
    if not dated(spec):
        return False
    drop_dates(spec)
    spec.page.update(
        {
            "publisher": spec.agency,
            "date": spec.published_on.isoformat(),
            "site": site_of(spec),
            "index_no": f"{rng.randint(10**8, 10**9 - 1)}/{spec.published_on.year}-{rng.randint(1, 99999):05d}",
        }
    )
    if rng.random() < 0.4:
        anonymous(spec)
    return True


def anonymous(spec: ReportSpec) -> None:
    """Title and text without the publishing body."""
    spec.body[0] = ("p", f"{spec.report_year}年度政府信息公开工作年度报告")
    drop_signature(spec)
    replace_text(spec, f"由{spec.agency}编制", "由本机关编制")


def meta_tags(rng: random.Random, spec: ReportSpec) -> bool:
    """The date only in the page's <meta name="PubDate">, the body in <meta name="Author">."""
    if not dated(spec):
        return False
    drop_dates(spec)
    spec.page.update(
        {
            "meta_date": f"{spec.published_on.isoformat()} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}",
            "meta_author": spec.agency,
        }
    )
    return True


def crawler_header(rng: random.Random, spec: ReportSpec) -> bool:
    """A crawler's header lines (标题:/发布时间:/发布机构:) carry the date; 发布机构 may be the portal's owner."""
    if not dated(spec):
        return False
    drop_dates(spec)
    title = spec.body[0][1].strip()
    owner = rng.random() < 0.3 and spec.agency in title
    spec.page.update(
        {
            "title": title,
            "date": f"{spec.published_on.isoformat()} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}",
            "publisher": site_of(spec) if owner else spec.agency,
            "site": site_of(spec),
        }
    )
    return True


def zh_date_under_title(rng: random.Random, spec: ReportSpec) -> bool:
    """The publication date in Chinese numerals on the line under the title (二〇二四年一月二十日)."""
    if not dated(spec):
        return False
    drop_dates(spec)
    text = zh_date(spec.published_on)
    spec.body.insert(1, ("p", rng.choice((text, f"（{text}）"))))
    return True


def signature_only(rng: random.Random, spec: ReportSpec) -> bool:
    """Body and date only in the closing signature; the title names neither."""
    if spec.published_on is None or spec.published_also:
        return False
    drop_dates(spec)
    anonymous(spec)
    d = spec.published_on
    at = closing_at(spec)
    spec.body[at:at] = [
        ("p", spec.agency),
        ("p", zh_date(d) if rng.random() < 0.3 else f"{d.year}年{d.month}月{d.day}日"),
    ]
    return True


LOOKALIKE = {
    "沭": "沐",
    "金": "全",
    "洪": "供",
    "阳": "阴",
    "江": "汪",
    "宁": "宇",
    "州": "洲",
    "安": "案",
    "东": "束",
    "白": "自",
    "天": "夭",
    "王": "玉",
    "山": "屾",
    "河": "何",
    "海": "诲",
    "城": "域",
    "西": "酉",
    "水": "永",
}


def ocr_place_misprint(rng: random.Random, spec: ReportSpec) -> bool:
    """A place name misprinted by OCR throughout (沭阳 -> 沐阳): the truth accepts either spelling of the body."""
    place = next(
        (
            p
            for p in (spec.region.county, spec.region.city)
            if p and p in spec.agency and any(ch in LOOKALIKE for ch in p[:-1])
        ),
        None,
    )
    if not place:
        return False
    i = next(i for i, ch in enumerate(place[:-1]) if ch in LOOKALIKE)
    wrong = place[:i] + LOOKALIKE[place[i]] + place[i + 1 :]
    replace_text(spec, place, wrong)
    real = spec.agency
    spec.agency = real.replace(place, wrong)
    spec.agency_aliases = [real, *spec.agency_aliases]
    return True


# ---------------------------------------------------------------- prose phrasing
ZERO_PHRASES = {
    "applications_received": (
        "{y}年，{we}没有收到政府信息公开申请。",
        "本年度无政府信息公开申请。",
        "{y}年度，未收到公民、法人或其他组织提出的政府信息公开申请，也无不予公开信息的情况发生。",
        "{y}年没有收到依申请公开的申请。",
    ),
    "administrative_reviews": (
        "{y}年没有发生针对本机关政府信息公开的行政复议和行政诉讼。",
        "本年度未发生行政复议、行政诉讼案件。",
        "{y}年度没有发生因政府信息公开申请引起的行政复议、行政诉讼和行政申诉。",
    ),
    "fees_collected": (
        "不存在收费情况。",
        "本年度没有因政府信息公开而产生的收费，也未产生减免情况。",
        "{y}年度未向申请人收取任何费用。",
    ),
}


def we(spec: ReportSpec) -> str:
    """How the report names its body (我局, 我镇 …)."""
    from .prose import we as _we

    return _we(spec)


def prose_zero_phrasing(rng: random.Random, spec: ReportSpec) -> bool:
    """Zeros stated in words: 未收到/没有/无 申请, 没有发生 复议/诉讼, 不存在收费."""
    done = False
    for metric, phrases in ZERO_PHRASES.items():
        v = spec.prose_metrics.get(metric)
        if (
            v is None
            or v[0] != 0
            or (
                metric == "administrative_reviews"
                and spec.prose_metrics.get("administrative_litigations", (0,))[0] != 0
            )
        ):
            continue
        done |= set_sentence(spec, metric, rng.choice(phrases).format(y=spec.report_year, we=we(spec)))
    return done


def number_in(sentence: str, n) -> re.Match | None:
    """Where count n is written in a sentence (not inside a longer number, not a year)."""
    return re.search(rf"(?<![\d.]){re.escape(fmt_number(n))}(?![\d.年])", sentence)


def prose_chinese_numerals(rng: random.Random, spec: ReportSpec) -> bool:
    """Counts written in Chinese numerals (主动公开政府信息一百二十三条)."""
    done = False
    for metric in ("proactive_disclosed", "applications_received"):
        v = spec.prose_metrics.get(metric)
        old = spec.sentences.get(metric)
        if not v or not old or v[1] or not isinstance(v[0], int) or not 0 < v[0] < 100000:
            continue
        m = number_in(old, v[0])
        if m:
            done |= set_sentence(spec, metric, old[: m.start()] + zh_number(v[0]) + old[m.end() :])
    return done


def prose_approximate(rng: random.Random, spec: ReportSpec) -> bool:
    """An approximate count: N余条, 约N条, N多条 (value N, approximate)."""
    v = spec.prose_metrics.get("proactive_disclosed")
    old = spec.sentences.get("proactive_disclosed")
    if not v or not old or v[1]:
        return False
    m = number_in(old, v[0])
    if not m:
        return False
    n = fmt_number(v[0])
    word = rng.choice((f"{n}余", f"约{n}", f"{n}多"))
    if not set_sentence(spec, "proactive_disclosed", old[: m.start()] + word + old[m.end() :]):
        return False
    spec.prose_metrics["proactive_disclosed"] = (v[0], True)
    return True


TRADITIONAL = str.maketrans(
    {
        "请": "請",
        "复": "復",
        "议": "議",
        "诉": "訴",
        "讼": "訟",
        "开": "開",
        "门": "門",
        "报": "報",
        "条": "條",
        "发": "發",
        "务": "務",
        "众": "眾",
        "为": "為",
        "个": "個",
        "这": "這",
        "会": "會",
        "县": "縣",
        "镇": "鎮",
        "区": "區",
        "乡": "鄉",
        "费": "費",
        "处": "處",
        "级": "級",
        "动": "動",
        "实": "實",
        "际": "際",
        "现": "現",
        "过": "過",
        "经": "經",
        "还": "還",
        "进": "進",
        "网": "網",
        "时": "時",
        "间": "間",
        "对": "對",
        "应": "應",
        "规": "規",
        "范": "範",
        "统": "統",
        "计": "計",
        "数": "數",
        "据": "據",
        "没": "沒",
        "无": "無",
        "问": "問",
        "题": "題",
        "办": "辦",
        "织": "織",
        "组": "組",
        "强": "強",
        "设": "設",
        "传": "傳",
        "达": "達",
        "长": "長",
        "东": "東",
        "关": "關",
        "论": "論",
        "项": "項",
        "负": "負",
        "责": "責",
        "将": "將",
        "业": "業",
        "质": "質",
        "领": "領",
        "导": "導",
        "纳": "納",
        "询": "詢",
        "查": "查",
        "从": "從",
        "员": "員",
        "训": "訓",
        "协": "協",
        "调": "調",
        "制": "製",
        "审": "審",
        "认": "認",
        "记": "記",
        "录": "錄",
        "层": "層",
        "属": "屬",
        "权": "權",
    }
)


def traditional_chars(rng: random.Random, spec: ReportSpec) -> bool:
    """A traditional-Chinese mirror of a prose report (申請, 復議): the figures are the same."""
    for i in paragraphs(spec):
        spec.body[i] = ("p", spec.body[i][1].translate(TRADITIONAL))
    spec.agency_aliases = [*spec.agency_aliases, spec.agency.translate(TRADITIONAL)]
    return True


def distractors(rng: random.Random, spec: ReportSpec) -> bool:
    """Numbers that are not the year's counts: 历年累计, training, phone numbers, 索引号, next year's plans."""
    y = spec.report_year
    base = int(spec.prose_metrics.get("proactive_disclosed", (rng.randint(10, 300),))[0])
    k = rng.randint(1, 5)
    pool = [
        f"截至{y}年底，累计主动公开政府信息{base + rng.randint(100, 3000)}条。",
        f"全年组织政府信息公开业务培训{k}次，培训人员{k * rng.randint(10, 60)}人次。",
        f"政府信息公开咨询电话：0{rng.randint(100, 999)}-{rng.randint(2000000, 8999999)}，受理时间为工作日。",
        f"{y + 1}年，计划主动公开政府信息不少于{base + rng.randint(10, 200)}条，依申请公开办结率保持100%。",
        f"近三年共收到政府信息公开申请{rng.randint(3, 90)}件。",
    ]
    picks = rng.sample(pool, rng.randint(2, 4))
    spec.body.insert(1, ("p", f"索引号：{rng.randint(10**8, 10**9 - 1)}/{y + 1}-{rng.randint(1, 99999):05d}"))
    ps = [i for i in paragraphs(spec)[2:] if len(spec.body[i][1]) > 40 and not spec.body[i][1].startswith("附件")]
    for text in picks:
        i = rng.choice(ps)
        kind, old = spec.body[i]
        spec.body[i] = (kind, old + text)
    return True


def one_paragraph_township(rng: random.Random, spec: ReportSpec) -> bool:
    """A township's whole report in one paragraph that names no county (谢塘镇 2013)."""
    if not spec.agency.endswith(("镇人民政府", "乡人民政府")):
        return False
    town = spec.agency.removesuffix("人民政府")
    y = spec.report_year
    said = [
        spec.sentences[m]
        for m in ("proactive_disclosed", "applications_received", "administrative_reviews", "fees_collected")
        if m in spec.sentences
    ]
    spec.body = [
        ("p", f"{y}年度{town}政府信息公开工作年度报告"),
        (
            "p",
            f"{y}年，我{town[-1]}认真贯彻落实《中华人民共和国政府信息公开条例》，有序推进政府信息公开工作。"
            f"现将{y}年政府信息公开工作报告如下： "
            + " ".join(said)
            + " 存在的问题：公开载体有待进一步拓宽。 其他需要报告的事项：无。",
        ),
    ]
    if spec.published_on is not None and not spec.published_also:
        d = spec.published_on
        spec.body.append(("p", f"{town} {d.year}年{d.month}月{d.day}日"))
    spec.agency = town
    spec.agency_aliases = [f"{town}人民政府"]
    spec.region_in_text = False
    return True


def early_publication(rng: random.Random, spec: ReportSpec) -> bool:
    """Published before the reporting year ended (R12), the text counting up to that day."""
    if "R12" in spec.violations:
        return False
    y = spec.report_year
    d = date(y, 12, rng.randint(15, 30))
    drop_dates(spec)
    spec.published_on, spec.published_also = d, []
    at = closing_at(spec)
    spec.body.insert(at, ("p", f"{d.year}年{d.month}月{d.day}日"))
    i = paragraphs(spec)[min(2, len(paragraphs(spec)) - 1)]
    spec.body[i] = ("p", f"截止{y}年12月{d.day}日，" + spec.body[i][1])
    add_violation(spec, "R12")
    return True


def prose_new_plus_carried(rng: random.Random, spec: ReportSpec) -> bool:
    """The prose counts new + carried-over applications as received (沭阳: 749 = 713 + 36): R8."""
    carried = spec.figures.get((T3, "carried_over", "total")) or 0
    new = spec.figures.get((T3, "new_received", "total")) or 0
    if "R8" in spec.violations or not carried or "applications_received" not in spec.sentences:
        return False
    if not set_sentence(spec, "applications_received", f"全年共受理政府信息公开申请{new + carried}件。"):
        return False
    spec.prose_metrics["applications_received"] = (new + carried, False)
    add_violation(spec, "R8")
    return True


TABLES = eras.of_family(eras.NATIONAL)  # spec/eras.csv
ANY = eras.templates()
PHENOMENA = {
    p.name: p
    for p in (
        Phenomenon("hybrid_2019_other_row", "hybrid", 0.05, ("2021",), "", hybrid_2019_other_row, "real 000, 001"),
        Phenomenon("annotated_labels", "hybrid", 0.10, TABLES, "", annotated_labels, "real 004; Hubei"),
        Phenomenon("label_typos", "hybrid", 0.05, TABLES, "", label_typos, "real 000, 001"),
        Phenomenon("renumbered_rows", "hybrid", 0.05, TABLES, "", renumbered_rows, "issue 14"),
        Phenomenon("missing_row", "hybrid", 0.03, TABLES, "", missing_row, "issue 14"),
        Phenomenon("extra_row", "hybrid", 0.03, TABLES, "", extra_row, "issue 14; Hubei"),
        Phenomenon("t3_columns_reordered", "hybrid", 0.03, TABLES, "", t3_columns_reordered, "issue 14"),
        Phenomenon("blank_marks", "flattened", 0.10, TABLES, "", blank_marks, "domain.md §e"),
        Phenomenon("markdown_tables", "flattened", 0.05, ANY, "txt", markdown_tables, "real 004"),
        Phenomenon("crawler_dump", "flattened", 0.08, ANY, "txt", crawler_dump, "real 025, 029"),
        Phenomenon("pipe_rows_in_html_p", "flattened", 0.03, TABLES, "html", pipe_rows_in_html_p, "issue 14"),
        Phenomenon("t4_header_run", "flattened", 0.05, TABLES, "txt", t4_header_run, "issue 14"),
        Phenomenon("portal_metadata", "metadata", 0.20, ANY, "html", portal_metadata, "real 017"),
        Phenomenon("meta_tags", "metadata", 0.08, ANY, "html", meta_tags, "real 017"),
        Phenomenon("crawler_header", "metadata", 0.10, ANY, "txt", crawler_header, "real 025, 029"),
        Phenomenon("zh_date_under_title", "metadata", 0.05, ANY, "", zh_date_under_title, "issue 14"),
        Phenomenon("signature_only", "metadata", 0.10, ANY, "", signature_only, "real 029; seeds"),
        Phenomenon("ocr_place_misprint", "metadata", 0.03, ANY, "", ocr_place_misprint, "real 004, 029"),
        Phenomenon("prose_zero_phrasing", "prose", 0.30, ANY, "", prose_zero_phrasing, "real 014, 025"),
        Phenomenon("prose_chinese_numerals", "prose", 0.03, ANY, "", prose_chinese_numerals, "issue 14"),
        Phenomenon("prose_approximate", "prose", 0.10, ANY, "", prose_approximate, "real 002; domain.md §e"),
        Phenomenon("traditional_chars", "prose", 0.02, ("prose",), "", traditional_chars, "domain.md §e mirrors"),
        Phenomenon("distractors", "prose", 0.30, ANY, "", distractors, "real 004, 017, 025"),
        Phenomenon("one_paragraph_township", "prose", 0.20, ("prose",), "", one_paragraph_township, "real 014"),
        Phenomenon("early_publication", "prose", 0.02, ANY, "", early_publication, "real 025"),
        Phenomenon("prose_new_plus_carried", "prose", 0.05, TABLES, "", prose_new_plus_carried, "real 004"),
    )
}
# phenomena that replace the text layout: at most one per document
LAYOUTS = {"markdown_tables", "crawler_dump"}
EXCLUDES = {
    "t4_header_run": LAYOUTS,
    "blank_marks": {"crawler_dump"},
    "crawler_header": {"crawler_dump"},
    "one_paragraph_township": LAYOUTS,
    "traditional_chars": {"one_paragraph_township"},
}
# profile -> factor on every rate: classic (the corpus before issue 14), default (estimated real shares), real (denser)
PROFILES = {"classic": 0.0, "default": 1.0, "real": 2.5}


def applicable(name: str, spec: ReportSpec, chosen: list[str], container: str, formats: set[str] | None = None) -> bool:
    """Whether phenomenon `name` can join the ones already chosen for this spec (and its container is among
    `formats`, when given)."""
    p = PHENOMENA[name]
    if spec.template not in p.templates or (p.container and container and p.container != container):
        return False
    if p.container and formats is not None and p.container not in formats:
        return False
    if name in LAYOUTS and LAYOUTS & set(chosen):
        return False
    return not (EXCLUDES.get(name, set()) & set(chosen)) and not any(name in EXCLUDES.get(c, set()) for c in chosen)


def draw(
    rng: random.Random,
    spec: ReportSpec,
    profile: str,
    wanted: list[str] | None,
    index: int = 0,
    formats: set[str] | None = None,
) -> list[str]:
    """The phenomena one document carries: every `wanted` one that applies (the i-th document gives the
    (i mod n)-th priority), else each drawn at its rate (scaled by the profile; `real`: at least one)."""
    if wanted:
        k = index % len(wanted)
        names = wanted[k:] + wanted[:k]
    else:
        names = list(PHENOMENA)
    chosen: list[str] = []
    container = ""
    scale = PROFILES[profile]
    for name in names:
        rate = 1.0 if wanted else min(0.9, PHENOMENA[name].rate * scale)
        if rng.random() < rate and applicable(name, spec, chosen, container, formats):
            chosen.append(name)
            container = container or PHENOMENA[name].container
    if profile == "real" and not wanted and not chosen:
        pool = [n for n in names if applicable(n, spec, [], "", formats)]
        chosen = [rng.choice(pool)] if pool else []
    return chosen


def template_for(name: str, planned: str, index: int) -> str:
    """The planned template if the phenomenon applies to it, else one it applies to."""
    templates = PHENOMENA[name].templates
    return planned if planned in templates else templates[index % len(templates)]


# application order: structure, printing, prose, then metadata (which moves dates and names)
ORDER = ("hybrid", "flattened", "prose", "metadata")


def apply_phenomena(
    spec: ReportSpec,
    seed,
    index: int,
    profile: str = "default",
    wanted: list[str] | None = None,
    formats: set[str] | None = None,
) -> ReportSpec:
    """The spec with its phenomena applied (a new spec; the classic one is returned when none applies).
    Deterministic in (seed, index); every phenomenon keeps the truth exact (violations re-proved). Phenomena
    that live in a container (txt, html) are drawn only when it is among `formats` (None: any)."""
    if profile == "classic" and not wanted:
        return spec
    rng = random.Random(f"nianbao-synth-phenomena:{seed}:{index}")
    names = sorted(
        draw(rng, spec, profile, wanted, index, formats),
        key=lambda n: (ORDER.index(PHENOMENA[n].group), list(PHENOMENA).index(n)),
    )
    for name in names:
        trial = copy.deepcopy(spec)
        if PHENOMENA[name].apply(rng, trial) and broken_rules(trial) == set(trial.violations):
            trial.phenomena.append(name)
            trial.container = trial.container or PHENOMENA[name].container
            spec = trial
    return spec
