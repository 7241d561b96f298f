"""Hand-built sample reports (2019-template tables with real spans, a long page-spanning table) for tests and benchmarks."""

import random
import unicodedata

from nianbao.document import Document, Paragraph, Table

APPLICANTS = ["自然人", "商业\n企业", "科研\n机构", "社会\n公益\n组织", "法律\n服务\n机构", "其他", "总计"]
DENIED = [
    "1.属于国家秘密",
    "2.其他法律行政法规禁止公开",
    "3.危及“三安全一稳定”",
    "4.保护第三方合法权益",
    "5.属于三类内部事务信息",
    "6.属于四类过程性信息",
    "7.属于行政执法案卷",
    "8.属于行政查询事项",
]
UNABLE = ["1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确"]
UNHANDLED = [
    "1.信访举报投诉类申请",
    "2.重复申请",
    "3.要求提供公开出版物",
    "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息",
]
PROSE = [
    "{agency}政府信息公开工作年度报告",
    "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求编制，所列数据统计期限自{year}年1月1日起至{year}年12月31日止。",
    "一、总体情况",
    "{year}年，{agency}认真贯彻落实《条例》，围绕中心工作，全面推进政府信息公开，全年主动公开政府信息{n}条，"
    "通过“政务公开专栏”及时发布各类信息，依申请公开工作规范有序，保障了公众的知情权、参与权和监督权。",
    "二、主动公开政府信息情况",
]


def _numbers(rng: random.Random, k: int, used: set) -> list[str]:
    out = []
    while len(out) < k:
        v = rng.randint(0, 1150)
        if v not in used:
            used.add(v)
            out.append(str(v))
    return out


def table_a(rng: random.Random, used: set) -> Table:
    """主动公开 (18×4): section rows span 4 columns, the (八)/(九) value cells span 2."""
    rows: list = []
    for item, head, names in (
        ("第二十条第（一）项", ["本年新制作数量", "本年新公开数量", "对外公开总数量"], ["规章", "规范性文件"]),
        ("第二十条第（五）项", ["上一年项目数量", "本年增/减", "处理决定数量"], ["行政许可", "其他对外管理服务事项"]),
        ("第二十条第（六）项", ["上一年项目数量", "本年增/减", "处理决定数量"], ["行政处罚", "行政强制"]),
    ):
        rows.append([(item, 1, 4)])
        rows.append([("信息内容", 1, 1)] + [(h, 1, 1) for h in head])
        for n in names:
            rows.append([(n, 1, 1)] + [(v, 1, 1) for v in _numbers(rng, 3, used)])
    rows.append([("第二十条第（八）项", 1, 4)])
    rows.append([("信息内容", 1, 1), ("上一年项目数量", 1, 1), ("本年增/减", 1, 2)])
    rows.append([("行政事业性收费", 1, 1)] + [(v, 1, s) for v, s in zip(_numbers(rng, 2, used), (1, 2))])
    rows.append([("第二十条第（九）项", 1, 4)])
    rows.append([("信息内容", 1, 1), ("采购项目数量", 1, 1), ("采购总金额", 1, 2)])
    rows.append([("政府集中采购", 1, 1)] + [(v, 1, s) for v, s in zip(_numbers(rng, 2, used), (1, 2))])
    return Table.from_rows(rows)


def table_b(rng: random.Random, used: set) -> Table:
    """申请处理 (26×10): a 3×3 header corner, a vertical label spanning 20 rows, nested spans of 8, 3 and 5."""
    nums = lambda: [(v, 1, 1) for v in _numbers(rng, 7, used)]  # noqa: E731
    rows: list = [
        [("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3), ("申请人情况", 1, 7)],
        [("自然人", 2, 1), ("法人或其他组织", 1, 5), ("总计", 2, 1)],
        [(a, 1, 1) for a in APPLICANTS[1:6]],
        [("一、本年新收政府信息公开申请数量", 1, 3)] + nums(),
        [("二、上年结转政府信息公开申请数量", 1, 3)] + nums(),
        [("三\n、\n本\n年\n度\n办\n理\n结\n果", 20, 1), ("（一）予以公开", 1, 2)] + nums(),
        [("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 1, 2)] + nums(),
    ]
    for group, items in (("（三）不予公开", DENIED), ("（四）无法提供", UNABLE), ("（五）不予处理", UNHANDLED)):
        for k, item in enumerate(items):
            rows.append(([(group, len(items), 1)] if k == 0 else []) + [(item, 1, 1)] + nums())
    rows.append([("（六）其他处理", 1, 2)] + nums())
    rows.append([("（七）总计", 1, 2)] + nums())
    rows.append([("四、结转下年度继续办理", 1, 3)] + nums())
    return Table.from_rows(rows)


def table_c(rng: random.Random, used: set) -> Table:
    """复议诉讼 (4×15): two levels of column spans."""
    results = ["结果\n维持", "结果\n纠正", "其他\n结果", "尚未\n审结", "总计"]
    rows = [
        [("行政复议", 1, 5), ("行政诉讼", 1, 10)],
        [(r, 2, 1) for r in results] + [("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)],
        [(r, 1, 1) for r in results] * 2,
        [(v, 1, 1) for v in _numbers(rng, 15, used)],
    ]
    return Table.from_rows(rows)


def report_2019(seed: int = 4, agency: str = "某县科技局", year: int = 2019) -> Document:
    """A report in the 2019 template: prose, then tables A, B and C with distinct numbers."""
    rng = random.Random(seed)
    used: set = set()
    fill = {"agency": agency, "year": year, "n": rng.randint(20, 300)}
    blocks: list = [Paragraph(p.format(**fill)) for p in PROSE]
    blocks.append(table_a(rng, used))
    blocks.append(Paragraph("三、收到和处理政府信息公开申请情况"))
    blocks.append(table_b(rng, used))
    blocks.append(Paragraph("四、政府信息公开行政复议、行政诉讼情况"))
    blocks.append(table_c(rng, used))
    blocks.append(Paragraph("五、存在的主要问题及改进情况"))
    blocks.append(Paragraph(f"{year}年，我局政府信息公开工作取得了一定成效，但仍存在公开内容不够丰富等问题。"))
    return Document.from_blocks(blocks)


def long_table_report(n_rows: int = 72, seed: int = 2) -> Document:
    """A pre-2019 统计表 (n_rows × 3, header row first) long enough to run across pages."""
    rng = random.Random(seed)
    used: set = set()
    rows = [[("统计指标", 1, 1), ("单位", 1, 1), ("统计数", 1, 1)]]
    for k in range(1, n_rows):
        rows.append(
            [(f"{k}.第{k}项统计指标", 1, 1), ("条" if k % 3 else "件", 1, 1), (_numbers(rng, 1, used)[0], 1, 1)]
        )
    blocks = [Paragraph("附件：政府信息公开情况统计表"), Table.from_rows(rows), Paragraph("以上数据截至12月31日。")]
    return Document.from_blocks(blocks)


def _norm(text: str, loose: bool) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()) if loose else text


def same_tables(a: Document, b: Document, loose: bool = False) -> list[str]:
    """Differences between the tables of two documents (anchor positions, spans, text); empty when equal.

    `loose` compares texts after NFKC with all whitespace removed (PDF and OCR wrap lines inside cells)."""
    out = []
    if len(a.tables) != len(b.tables):
        return [f"{len(a.tables)} tables vs {len(b.tables)}"]
    for k, (ta, tb) in enumerate(zip(a.tables, b.tables)):
        ca = {(c.row, c.col): (c.rowspan, c.colspan, _norm(c.text, loose)) for c in ta.cells}
        cb = {(c.row, c.col): (c.rowspan, c.colspan, _norm(c.text, loose)) for c in tb.cells}
        for pos in sorted(set(ca) | set(cb)):
            if ca.get(pos) != cb.get(pos):
                out.append(f"table {k} {pos}: {ca.get(pos)} vs {cb.get(pos)}")
    return out
