"""Inject one rule violation into a consistent spec, changing as little as needed so that only that rule breaks."""

import random
from datetime import date, timedelta

from nianbao import codebook, eras

from .check import APPLICANT_COLS, deadline, prose_relations
from .model import ReportSpec

T3, T4, T2, L = "t3_applications", "t4_review_litigation", "t2_proactive", "legacy_stats"
TABLE_RULES = {
    "2019": ("R1", "R2", "R3", "R4", "R8", "R9", "R12", "S1"),
    "2021": ("R1", "R2", "R3", "R4", "R8", "R9", "R12", "S1"),
    "pre2019_table": ("O1", "O2", "O3", "O4", "O5", "O6", "O7", "O8", "O10", "R8", "R9", "R12", "S1"),
    "prose": ("R12",),
}


def _add(spec: ReportSpec, key, delta) -> None:
    spec.figures[key] = (spec.figures.get(key) or 0) + delta


def protect_row(spec: ReportSpec, table: str, row: str) -> None:
    spec.protect |= {k for k in spec.figures if k[0] == table and k[1] == row}


def protect_column(spec: ReportSpec, table: str, col: str, rows=None) -> None:
    spec.protect |= {k for k in spec.figures if k[0] == table and k[2] == col and (rows is None or k[1] in rows)}


T3_LEAF_PARENTS = ("outcome", "denied", "unavailable", "not_processed", "other_handling")
R8_STATED_WRONG = {  # the prose metrics the prose writer can state wrongly (prose.py), by family of eras
    eras.NATIONAL: ("applications_received", "administrative_reviews"),
    eras.LEGACY: ("proactive_disclosed",),
}


def add_application(spec: ReportSpec, col: str) -> None:
    """One more application received and granted in column col (keeps R1–R3)."""
    for row in ("new_received", "granted", "total_handled"):
        _add(spec, (T3, row, col), 1)
        _add(spec, (T3, row, "total"), 1)


def r1(rng, spec):
    c = rng.choice(APPLICANT_COLS)
    d = 1 if rng.random() < 0.5 or not spec.figures.get((T3, "carried_forward", c)) else -1
    _add(spec, (T3, "carried_forward", c), d)
    _add(spec, (T3, "carried_forward", "total"), d)
    protect_column(spec, T3, c, ("new_received", "carried_over", "total_handled", "carried_forward"))
    return True


def r2(rng, spec):
    c = rng.choice(APPLICANT_COLS[:2])
    if not spec.figures.get((T3, "granted", c)):
        add_application(spec, c)
    target = rng.choice(("unavailable_not_held", "partially_granted", "not_processed_repeated"))
    _add(spec, (T3, "granted", c), -1)
    _add(spec, (T3, target, c), 1)
    protect_row(spec, T3, target)
    return True


def r3(rng, spec):
    c = rng.choice(APPLICANT_COLS[:2])
    if not spec.figures.get((T3, "total_handled", c)):
        add_application(spec, c)
    for row, d in (("total_handled", -1), ("carried_forward", 1)):
        _add(spec, (T3, row, c), d)
        _add(spec, (T3, row, "total"), d)
    rows = {r.code for r in codebook.table(spec.template, T3).rows if r.parent in T3_LEAF_PARENTS}
    protect_column(spec, T3, c, rows)
    return True


def r4(rng, spec):
    row = rng.choice(("administrative_review", "litigation_direct", "litigation_after_review"))
    total = spec.figures.get((T4, row, "total")) or 0
    d = rng.choice((1, -1)) if total else 1
    _add(spec, (T4, row, "total"), d)
    protect_row(spec, T4, row)
    return True


def r9(rng, spec):
    if eras.is_legacy(spec.template):
        key = (
            L,
            rng.choice(
                (
                    "hotspot_responses",
                    "policy_interpretations",
                    "meetings",
                    "reading_points",
                    "press_conferences_by_leaders",
                )
            ),
            "value",
        )
    elif spec.template == "2019":
        key = (T2, rng.choice(("normative_documents", "regulations")), rng.choice(("new_made", "new_published")))
    else:
        key = (T2, rng.choice(("administrative_licensing", "administrative_penalty")), "decisions")
    if rng.random() < 0.5:
        spec.figures[key] = -rng.randint(1, 3)
    else:
        spec.figures[key] = rng.randint(0, 5) + 0.5
    spec.raw.pop(key, None)
    return True


def r12(rng, spec):
    y = spec.report_year
    if rng.random() < 0.2:
        spec.published_on = date(y, 12, rng.randint(20, 31))  # written before the year closed
    else:
        spec.published_on = deadline(spec, government_report=True) + timedelta(days=rng.randint(12, 400))
    spec.published_also = []
    return True


def s1(rng, spec):
    if eras.is_legacy(spec.template):
        rows = (
            "channel_weibo",
            "applications_fax",
            "denied_commercial_secret",
            "archive_paper",
            "online_interviews_by_leaders",
            "denied_other_legal",
        )
        table = L
    else:
        rows = [
            r.code
            for r in codebook.table(spec.template, T3).rows
            if r.parent in ("denied", "unavailable", "not_processed")
        ]
        table = T3
    zero = [r for r in rows if not any(v for k, v in spec.figures.items() if k[0] == table and k[1] == r)]
    if not zero:
        return False
    row = rng.choice(zero)
    spec.missing_rows.add((table, row))
    for k in [k for k in spec.figures if k[0] == table and k[1] == row]:
        del spec.figures[k]
        spec.raw.pop(k, None)
    return True


def _legacy(row):
    return (L, row, "value")


def o_total(total_row):
    def inject(rng, spec):
        v = spec.figures.get(_legacy(total_row)) or 0
        _add(spec, _legacy(total_row), rng.choice((1, -1)) if v else rng.randint(1, 3))
        parts = [r.code for r in codebook.table(eras.owner(L), L).rows if r.parent == total_row]
        spec.protect |= {_legacy(total_row), *map(_legacy, parts)}
        return True

    return inject


def o4(rng, spec):
    answered = spec.figures.get(_legacy("answered_denied")) or 0
    kids = (
        "state_secret",
        "commercial_secret",
        "personal_privacy",
        "security_stability",
        "not_government_info",
        "other_legal",
    )
    s = sum(spec.figures.get(_legacy("denied_" + k)) or 0 for k in kids)
    _add(spec, _legacy("denied_" + rng.choice(kids)), answered - s + rng.randint(1, 3))
    spec.protect |= {_legacy("answered_denied"), *(_legacy("denied_" + k) for k in kids)}
    return True


def o5(rng, spec):
    return o_total(rng.choice(("review_total", "litigation_total", "complaints_total")))(rng, spec)


def o7(rng, spec):
    chans = [_legacy("channel_" + k) for k in ("gazette", "website", "weibo", "wechat", "other")]
    total = sum(spec.figures.get(k) or 0 for k in chans)
    spec.figures[_legacy("proactive_total")] = total + rng.randint(1, max(2, total // 3 + 1))
    spec.protect |= set(chans)
    return True


def o8(rng, spec):
    issued = spec.figures.get(_legacy("normative_documents_issued")) or 0
    spec.figures[_legacy("proactive_normative_documents")] = issued + rng.randint(1, 6)
    spec.protect.add(_legacy("normative_documents_issued"))
    return True


def o10(rng, spec):
    """A value printed on a section-header row, as in seed 002 (42 under 一, 0.5万元 under 九)."""
    choice = rng.choice(
        (
            "一、主动公开情况",
            "九、机构建设和保障经费情况",
            "（二）通过不同渠道和方式公开政府信息的情况",
            "三、依申请公开情况",
        )
    )
    f = spec.figures
    if choice == "一、主动公开情况":
        chans = sum(f.get(_legacy("channel_" + k)) or 0 for k in ("gazette", "website", "weibo", "wechat", "other"))
        cell = str((f.get(_legacy("proactive_total")) or 0) + chans or 1)
    elif choice == "九、机构建设和保障经费情况":
        cell = rng.choice(("0.5万元", "1万元", "2.3万元"))
    elif choice.startswith("（二）"):
        cell = str(
            sum(f.get(_legacy("channel_" + k)) or 0 for k in ("gazette", "website", "weibo", "wechat", "other")) or 1
        )
    else:
        cell = str(f.get(_legacy("applications_received")) or rng.randint(1, 3))
    spec.header_values[choice] = (cell, "") if rng.random() < 0.7 else ("", cell)
    return True


INJECT = {
    "R1": r1,
    "R2": r2,
    "R3": r3,
    "R4": r4,
    "R9": r9,
    "R12": r12,
    "S1": s1,
    "O1": o_total("applications_received"),
    "O2": o_total("applications_closed"),
    "O3": o_total("applications_answered"),
    "O4": o4,
    "O5": o5,
    "O6": o_total("staff_total"),
    "O7": o7,
    "O8": o8,
    "O10": o10,
}


def r8(rng, spec):
    """Pick the prose figure that will contradict the table (the prose writer states it wrongly)."""
    metrics = R8_STATED_WRONG[eras.family(spec.template)]
    spec.r8_metric = metrics[0] if len(metrics) == 1 else rng.choice(metrics)
    spec.protect |= set(prose_relations(spec.template)[spec.r8_metric].rhs)  # the table cells it is compared with
    return True


INJECT["R8"] = r8


def inject(rng: random.Random, spec: ReportSpec, rule: str) -> bool:
    """Break `rule` in spec; False when the spec cannot carry it. The cells of the broken instance are protected
    from being printed blank, so that the break holds whether a parser reads a blank as 0 or as unknown."""
    return INJECT[rule](rng, spec)
