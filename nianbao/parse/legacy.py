"""The pre-2019 政府信息公开情况统计表 (统计指标 | 单位 | 统计数) and the local forms that share its rows."""

import functools

from nianbao import codebook, eras
from nianbao.parse.align import Aligner, Alignment, RowSpec
from nianbao.parse.labels import core
from nianbao.parse.stream import Token

# section-header rows of the 统计表: they carry no value in the template (rule O10)
SECTION_HEADERS = (
    "一、主动公开情况",
    "（二）通过不同渠道和方式公开政府信息的情况",
    "二、回应解读情况",
    "（二）通过不同渠道和方式回应解读的情况",
    "三、依申请公开情况",
    "九、机构建设和保障经费情况",
    "十、政府信息公开会议和培训情况",
)


@functools.cache
def row_sequence() -> tuple[RowSpec, ...]:
    spec = codebook.table(eras.owner("legacy_stats"), "legacy_stats")
    return tuple(RowSpec(spec.table, r.code, core(r.label), ("value",), r.label) for r in spec.rows)


class LegacyAligner(Aligner):
    """One value per row; the 单位 cell between label and value is skipped; extra columns (历年累计) kept unmapped."""

    skip_units = True


def parse_legacy(toks: list[Token]) -> Alignment:
    return LegacyAligner(list(row_sequence()), headers=list(SECTION_HEADERS)).run(toks)
