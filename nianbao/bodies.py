"""The kind of a publishing body and its R12 publication deadline: defined once, used by findings and the warehouse."""

import datetime as dt
import re

# in order: the first pattern that matches the end of the name decides
_KINDS: tuple[tuple[str, re.Pattern], ...] = (
    ("street_office", re.compile(r"街道(办事处|办|工委|党工委)?$")),
    ("township", re.compile(r"(镇|乡|苏木)(人民政府|政府)?$")),
    ("government_office", re.compile(r"(人民政府|政府)(办公室|办公厅|办)$")),
    ("government", re.compile(r"(人民政府|政府)$")),
    ("department", re.compile(r"(局|厅|委员会|委|部|署|办公室|办|中心|院|所|站|队)$")),
)
KINDS = ("government", "government_office", "department", "township", "street_office", "other")

# the year of the first reports under the 2019 条例 (第四十九条), which moved departments' deadline to 31 January
NEW_DEADLINES_FROM = 2019


def kind_of_body(name: str | None) -> str:
    """government (a county-or-higher 人民政府's own report), government_office, department, township,
    street_office or other, from the end of the body's name."""
    name = re.sub(r"\s+", "", name or "")
    for kind, pattern in _KINDS:
        if pattern.search(name):
            return kind
    return "other"


def deadline(report_year: int | None, kind: str) -> dt.date | None:
    """R12's deadline: 31 March of the next year before the 2019 reports; from them, 31 March only for a
    county-or-higher government's own report, 31 January for everyone else (departments, townships, 街道)."""
    if report_year is None:
        return None
    if report_year < NEW_DEADLINES_FROM or kind == "government":
        return dt.date(report_year + 1, 3, 31)
    return dt.date(report_year + 1, 1, 31)
