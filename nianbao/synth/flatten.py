"""Tables flattened on the way to the web: a converter's Markdown (沭阳 2025), an archiver's one-line page text with
cells run together (平潭 2021), 表四 as a header block and one run of numbers, and the crawler's header lines."""

import random

from nianbao import codebook, eras

from .model import Key, ReportSpec
from .tables import (
    ART20,
    GROUP_LABEL,
    LEGACY_HEADERS,
    LEGAL_PERSON_COLUMNS,
    NOTE,
    OUTCOMES,
    T4_RESULTS,
    legacy_label,
    t3_columns,
    t3_rows,
)

T2, T3, T4 = "t2_proactive", "t3_applications", "t4_review_litigation"
T4_BLOCKS = (
    ("administrative_review", "行政复议"),
    ("litigation_direct", "行政诉讼（未经复议直接起诉）"),
    ("litigation_after_review", "行政诉讼（复议后起诉）"),
)
PLACEHOLDER = ["类别", *(f"数据{i}" for i in range(1, 7)), "总计"]
GARBLED = ["项目", "本年新收件数", "上年结转件数", "予以公开", "部分公开", "不予公开", "结转下年度", "总计"]
SEPARATOR = "==================== 正文 ===================="


def t2_parts(spec: ReportSpec) -> list[tuple[str, list[str], list[tuple[str, str, list[Key]]]]]:
    """表二 as (part heading, column labels, rows of (code, label, cell keys))."""
    ts = codebook.table(spec.template, T2)
    out = []
    for part, heading in ART20.items():
        members = [r for r in ts.rows if r.parent == part and (T2, r.code) not in spec.missing_rows]
        if not members:
            continue
        cols = ts.columns_for(members[0])
        out.append(
            (
                heading,
                [c.label for c in cols],
                [(r.code, r.label, [(T2, r.code, c.code) for c in cols]) for r in members],
            )
        )
    return out


def t3_keys(spec: ReportSpec) -> list[tuple[str | None, list[Key]]]:
    """The printed 表三 rows as (code, cell keys in printed column order); no keys for a row of no template."""
    cols = t3_columns(spec)
    return [(r.code, [(T3, r.code, c) for c in cols] if r.code else []) for r in t3_rows(spec)]


def t4_keys(spec: ReportSpec) -> list[Key]:
    """The 15 表四 cells in printed order."""
    cols = [c.code for c in codebook.table(spec.template, T4).columns]
    return [(T4, row, c) for row, _ in T4_BLOCKS for c in cols]


def cell_text(spec: ReportSpec, key: Key) -> str:
    """A coded cell as printed (template cell or a hybrid's 2019 row)."""
    return spec.printed_extra(key) if key in spec.extra_cells else spec.printed(key)


# ---------------------------------------------------------------- crawler dump: fusion plan and its truth
def plan_fusion(rng: random.Random, spec: ReportSpec) -> None:
    """Choose which cell boundaries lose their space, and mark the cells the text then cannot decide: in a row
    whose boundaries fused, the digits split one way only when every cell is one character."""
    t2_all = rng.random() < 0.7
    t3_mode = rng.choices(("last_two", "random", "none"), (5, 3, 2))[0]
    rows: list[tuple[tuple[str, str], list[Key], frozenset[int]]] = []
    for _h, _cols, members in t2_parts(spec):
        for code, _label, keys in members:
            rows.append(((T2, code), keys, frozenset(range(1, len(keys))) if t2_all else frozenset()))
    for code, keys in t3_keys(spec):
        if not code:
            continue
        if t3_mode == "last_two":
            fused = frozenset({len(keys) - 1})
        elif t3_mode == "random":
            fused = frozenset(i for i in range(1, len(keys)) if rng.random() < 0.3)
        else:
            fused = frozenset()
        rows.append(((T3, code), keys, fused))
    keys = t4_keys(spec)
    rows.append(((T4, "*"), keys, frozenset(i for i in range(1, len(keys)) if rng.random() < 0.35)))
    for row, keys, fused in rows:
        spec.fused[row] = fused
        if fused and any(len(cell_text(spec, k)) != 1 for k in keys):
            spec.doubtful |= set(keys)


def run(spec: ReportSpec, keys: list[Key], fused: frozenset[int]) -> str:
    """Cell texts joined by a space, except across fused boundaries."""
    out = ""
    for i, k in enumerate(keys):
        if i:
            out += "" if i in fused else " "
        out += cell_text(spec, k)
    return out


def dump_table(spec: ReportSpec, code: str) -> str:
    """One table as the archiver flattened it: header words run together, each label followed by its numbers."""
    if code == T2:
        parts = []
        for heading, cols, members in t2_parts(spec):
            parts.append(
                heading
                + "信息内容"
                + "".join(cols)
                + "".join(label + run(spec, keys, spec.fused.get((T2, c), frozenset())) for c, label, keys in members)
            )
        return "".join(parts)
    if code == T3:
        legal = [LEGAL_PERSON_COLUMNS[c] for c in t3_columns(spec)[1:-1]]
        out = NOTE + "申请人情况自然人法人或其他组织总计" + "".join(legal)
        seen = set()
        outcome_started = False
        for r, (code_, keys) in zip(t3_rows(spec), t3_keys(spec)):
            if r.parent in ("outcome", *GROUP_LABEL) and not outcome_started:
                out += OUTCOMES
                outcome_started = True
            if r.parent in GROUP_LABEL and r.parent not in seen:
                seen.add(r.parent)
                out += GROUP_LABEL[r.parent]
            out += r.label + run(spec, keys, spec.fused.get((T3, code_), frozenset()))
        return out
    if code == T4:
        head = "行政复议行政诉讼" + "".join(T4_RESULTS) + "未经复议直接起诉复议后起诉" + "".join(T4_RESULTS) * 2
        return head + " " + run(spec, t4_keys(spec), spec.fused.get((T4, "*"), frozenset()))
    rows = []
    ts = codebook.table(eras.owner("legacy_stats"), "legacy_stats")
    for r in ts.rows:
        if r.code in LEGACY_HEADERS:
            rows.append(legacy_label(LEGACY_HEADERS[r.code], True))
        if ("legacy_stats", r.code) not in spec.missing_rows:
            rows.append(f"{legacy_label(r.label, True)} {r.unit} {spec.printed(('legacy_stats', r.code, 'value'))}")
    return "统计指标 单位 统计数 " + " ".join(rows)


def header_lines(spec: ReportSpec, rng: random.Random) -> list[str]:
    """The archiver's header: 标题/发布时间/文号/发布机构/栏目/原文链接, then the body separator."""
    page = spec.page
    title = page.get("title") or spec.body[0][1].strip()
    date = page.get("date") or (
        f"{spec.published_on.isoformat()} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}"
        if spec.published_on
        else ""
    )
    publisher = page.get("publisher") or spec.agency
    n = rng.randint(10000, 99999)
    return [
        f"标题: {title}",
        f"发布时间: {date}",
        "文号: ",
        f"发布机构: {publisher}",
        "栏目: 政府信息公开年报",
        f"原文链接: https://www.example.gov.cn/zwgk/zfxxgknb/t{n}.htm",
        SEPARATOR,
    ]


def crawler_dump(spec: ReportSpec) -> str:
    """Header lines, then the whole body on one line; tables flattened with their cells run together."""
    rng = random.Random(f"dump:{spec.file}:{spec.agency}:{spec.report_year}")
    parts = []
    for kind, text in spec.body:
        parts.append(dump_table(spec, text) if kind == "table" else text.strip())
    glue = rng.choice((" ", ""))
    return "\n".join(header_lines(spec, rng)) + "\n" + glue.join(parts) + "\n"


# ---------------------------------------------------------------- Markdown as a converter writes it
def md_table(header: list[str], rows: list[list[str]], rule: str = "---") -> list[str]:
    """A Markdown pipe table and the blank line after it."""

    def line(cells):
        return "| " + " | ".join(cells) + " |"

    return [line(header), "|" + "|".join([rule] * len(header)) + "|", *(line(r) for r in rows), ""]


def md_t3(spec: ReportSpec, rng: random.Random) -> list[str]:
    """表三 cut into small tables with placeholder headers, junk header tables, the tail under a garbled header."""
    out = ["(" + NOTE.strip("（）").replace("：", ":").replace("，", ",") + ")", ""]
    if rng.random() < 0.7:  # converter artefacts: the header cells become tables of their own
        out += ["### 申请人情况 (自然人)", *md_table(["(数据项目)", "数量"], [["-", "-"]])]
        out += [
            "### 申请人情况 (法人或其他组织)",
            *md_table(["商业企业", "科研机构", "社会公益", "法律服务机构", "其他"], [["-"] * 5]),
        ]
        out += ["### 申请人情况 (总计)", *md_table(["(数据项目)", "数量"], [["-", "-"]])]
    rows = list(zip(t3_rows(spec), t3_keys(spec)))
    garble_at = rng.randint(len(rows) // 2, len(rows) - 2) if rng.random() < 0.5 else None
    i = 0
    outcome_started = False
    while i < len(rows):
        if garble_at is not None and i >= garble_at:  # the rest under a garbled header, in one table
            out += md_table(GARBLED, [[r.label, *r.cells] for r, _k in rows[i:]])
            break
        r, _k = rows[i]
        if r.parent in ("outcome", *GROUP_LABEL) and not outcome_started:
            out += [f"### {OUTCOMES}", ""]
            outcome_started = True
        if r.parent in GROUP_LABEL:
            j = i
            while j < len(rows) and rows[j][0].parent == r.parent and (garble_at is None or j < garble_at):
                j += 1
            group = [x for x, _k in rows[i:j]]
            out += [
                f"### {GROUP_LABEL[r.parent].replace('（', '(').replace('）', ') ')}",
                *md_table(PLACEHOLDER, [[x.label, *x.cells] for x in group]),
            ]
            i += len(group)
            continue
        out += [f"### {r.label}", *md_table(PLACEHOLDER, [[r.label.split("、", 1)[-1], *r.cells]])]
        i += 1
    return out


def md_tables(spec: ReportSpec, code: str, rng: random.Random) -> list[str]:
    """One template table as Markdown lines."""
    if code == T2:
        out = []
        for heading, cols, members in t2_parts(spec):
            out += [
                f"### {heading}",
                *md_table(
                    ["信息内容", *cols], [[label, *(spec.printed(k) for k in keys)] for _c, label, keys in members]
                ),
            ]
        return out
    if code == T3:
        return md_t3(spec, rng)
    if code == T4:
        cols = [c.code for c in codebook.table(spec.template, T4).columns]
        out = []
        for row, heading in T4_BLOCKS:
            out += [
                f"### {heading}",
                *md_table(list(T4_RESULTS), [[spec.printed((T4, row, c)) for c in cols]], "----------"),
            ]
        return out
    rows = []
    ts = codebook.table(eras.owner("legacy_stats"), "legacy_stats")
    for r in ts.rows:
        if r.code in LEGACY_HEADERS:
            rows.append([legacy_label(LEGACY_HEADERS[r.code], True), "", ""])
        if ("legacy_stats", r.code) not in spec.missing_rows:
            rows.append([legacy_label(r.label, True), r.unit, spec.printed(("legacy_stats", r.code, "value"))])
    return md_table(["统计指标", "单位", "统计数"], rows)


def markdown(spec: ReportSpec) -> str:
    """The report as an OCR/LLM converter's Markdown: '#' headings, pipe tables, 表三 in small tables."""
    rng = random.Random(f"markdown:{spec.file}:{spec.agency}:{spec.report_year}")
    out: list[str] = []
    for i, (kind, text) in enumerate(spec.body):
        if kind == "table":
            out += md_tables(spec, text, rng)
        elif i == 0:
            out += [f"# {text.strip()}", ""]
        elif kind == "h":
            out += [f"## {text.strip()}", ""]
        else:
            out += [text, ""]
    return "\n".join(out).rstrip("\n") + "\n"
