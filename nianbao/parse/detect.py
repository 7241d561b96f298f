"""Which template a document follows: a national format (2019, 2021 …), the pre-2019 统计表, or prose only."""

import functools

from nianbao import eras
from nianbao.parse.fused import looks_fused, looks_fused_legacy
from nianbao.parse.labels import LABEL_MAX, core
from nianbao.parse.legacy import row_sequence as legacy_rows
from nianbao.parse.local_forms import find_header
from nianbao.parse.stream import Token

_T3_ROWS = (
    "本年新收政府信息公开申请数量",
    "上年结转政府信息公开申请数量",
    "结转下年度继续办理",
    "予以公开",
    "属于国家秘密",
    "本机关不掌握相关政府信息",
    "信访举报投诉类申请",
)
_LEGACY_MIN_ROWS = 8


def detect_template(toks: list[Token], report_year: int | None = None) -> str:
    """A template code of spec/eras.csv: a national era, the legacy 统计表 (national or local), or prose."""
    seen = {core(t.text) for t in toks if not t.is_value and len(t.text) <= 120}
    national = sum(1 for r in _T3_ROWS if r in seen) + sum(1 for c in seen if c.startswith("第二十条第"))
    fused = [t.text for t in toks if len(t.text) > LABEL_MAX and not t.is_value and looks_fused(t.text)]
    if national >= 3 or fused:
        return _national_era(seen, fused, report_year)
    legacy = eras.of_family(eras.LEGACY)[0]
    if len(seen & _legacy_cores()) >= _LEGACY_MIN_ROWS:
        return legacy
    if any(len(t.text) > LABEL_MAX and not t.is_value and looks_fused_legacy(t.text) for t in toks):
        return legacy  # a crawler dump's 统计表 on one line
    if find_header(toks) is not None:  # a local 统计表 (指标名称 | 单位 | …) from before the national one
        return legacy
    return eras.default()


def _national_era(seen: set[str], fused: list[str], report_year: int | None) -> str:
    """The national era whose markers (eras.csv) the document prints most; on a tie the era whose years hold the
    report year, else the first. A label matches a marker by the era's marker_prefix first characters (a label
    may be cut or annotated), a fused line by containing the whole marker."""
    national = [eras.get(t) for t in eras.of_family(eras.NATIONAL)]

    def score(era: eras.Era) -> int:
        n = era.marker_prefix or LABEL_MAX
        heads = {c[:n] for c in seen}
        return sum(1 for m in era.markers if m[:n] in heads or any(m in x for x in fused))

    scores = [score(e) for e in national]
    best = [e for e, s in zip(national, scores, strict=True) if s == max(scores)]
    return next((e.template for e in best if len(best) > 1 and e.covers(report_year)), best[0].template)


def is_local_form(toks: list[Token]) -> bool:
    """A pre-2019 统计表 that is not the national form (fewer than a handful of its rows)."""
    legacy_cores = _legacy_cores()
    return (
        sum(1 for t in toks if not t.is_value and len(t.text) <= 120 and core(t.text) in legacy_cores)
        < _LEGACY_MIN_ROWS
    )


@functools.cache
def _legacy_cores() -> frozenset[str]:
    return frozenset(r.core for r in legacy_rows())
