"""Which template a document follows: the 2019 or 2021 national format, the pre-2019 统计表, or prose only."""

import functools

from nianbao.parse.fused import looks_fused, looks_fused_legacy
from nianbao.parse.labels import LABEL_MAX, core
from nianbao.parse.legacy import row_sequence as legacy_rows
from nianbao.parse.local_forms import find_header
from nianbao.parse.stream import Token

_T3_ROWS = ("本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量", "结转下年度继续办理", "予以公开",
            "属于国家秘密", "本机关不掌握相关政府信息", "信访举报投诉类申请")
_MARK_2021 = ("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额",
              "申请人无正当理由逾期不补正行政机关不再处理其政府信息公开申请",
              "申请人逾期未按收费通知要求缴纳费用行政机关不再处理其政府信息公开申请")
_MARK_2019 = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "采购项目数量", "采购总金额",
              "政府集中采购")
_LEGACY_MIN_ROWS = 8


def detect_template(toks: list[Token], report_year: int | None = None) -> str:
    """One of 2019, 2021, pre2019_table (national or local 统计表), prose."""
    seen = {core(t.text) for t in toks if not t.is_value and len(t.text) <= 120}
    national = sum(1 for r in _T3_ROWS if r in seen) + sum(1 for c in seen if c.startswith("第二十条第"))
    fused = [t.text for t in toks if len(t.text) > LABEL_MAX and not t.is_value and looks_fused(t.text)]
    if national >= 3 or fused:
        heads6, heads5 = {c[:6] for c in seen}, {c[:5] for c in seen}
        n21 = sum(1 for m in _MARK_2021 if m[:6] in heads6 or any(m in x for x in fused))
        n19 = sum(1 for m in _MARK_2019 if m[:5] in heads5 or any(m in x for x in fused))
        if n21 > n19 or (n21 == n19 and report_year and report_year >= 2021):
            return "2021"
        return "2019"
    if len(seen & _legacy_cores()) >= _LEGACY_MIN_ROWS:
        return "pre2019_table"
    if any(len(t.text) > LABEL_MAX and not t.is_value and looks_fused_legacy(t.text) for t in toks):
        return "pre2019_table"  # a crawler dump's 统计表 on one line
    if find_header(toks) is not None:  # a local 统计表 (指标名称 | 单位 | …) from before the national one
        return "pre2019_table"
    return "prose"


def is_local_form(toks: list[Token]) -> bool:
    """A pre-2019 统计表 that is not the national form (fewer than a handful of its rows)."""
    legacy_cores = _legacy_cores()
    return sum(1 for t in toks if not t.is_value and len(t.text) <= 120 and core(t.text) in legacy_cores) \
        < _LEGACY_MIN_ROWS


@functools.cache
def _legacy_cores() -> frozenset[str]:
    return frozenset(r.core for r in legacy_rows())
