"""Random figures that satisfy the template's 勾稽 rules by construction (R1–R4 for 2019/2021, O1–O8 before)."""

import random

from nianbao import codebook, eras

from .check import APPLICANT_COLS, T4_PARTS

Figures = dict[tuple[str, str, str], int | float | None]

# share of applications by applicant column (natural persons dominate)
APPLICANT_WEIGHTS = (70, 12, 1, 2, 5, 10)
# how handled applications end, by leaf row (granted and 不掌握 dominate)
LEAF_WEIGHTS = {
    "granted": 40,
    "partially_granted": 8,
    "denied_third_party_rights": 2,
    "denied_process_info": 2,
    "denied_internal_affairs": 1,
    "denied_state_secret": 0.3,
    "unavailable_not_held": 20,
    "unavailable_needs_creation": 3,
    "unavailable_unclear": 3,
    "not_processed_petition": 4,
    "not_processed_repeated": 3,
    "not_processed_publication": 1,
    "not_processed_confirmation": 1,
    "other_handling": 3,
    "other_no_correction": 2,
    "other_unpaid_fee": 0.3,
    "other_other": 2,
}


def activity(rng: random.Random) -> str:
    """How busy the agency is: idle (every count 0, as seed 004), low or high."""
    return rng.choices(("idle", "low", "high"), (35, 45, 20))[0]


def small(rng: random.Random, level: str, hi: int) -> int:
    if level == "idle":
        return 0
    if level == "low":
        return rng.choice((0, 0, 0, 1, 1, 2, 3))
    return rng.randint(0, hi)


def split(rng: random.Random, total: int, weights) -> list[int]:
    """A random split of total into len(weights) non-negative parts."""
    parts = [0] * len(weights)
    for _ in range(total):
        parts[rng.choices(range(len(weights)), weights)[0]] += 1
    return parts


def t3_figures(rng: random.Random, template: str, level: str) -> Figures:
    ts = codebook.table(template, "t3_applications")
    leaves = [
        r.code
        for r in ts.rows
        if r.parent in ("outcome", "denied", "unavailable", "not_processed", "other_handling")
        and r.code != "total_handled"
    ]
    T = "t3_applications"
    f: Figures = {}
    base = {"idle": 0, "low": rng.randint(0, 6), "high": rng.randint(5, 400)}[level]
    new = split(rng, base, APPLICANT_WEIGHTS)
    carried = [min(n, small(rng, level, 6)) if n else 0 for n in new] if level != "idle" else [0] * 6
    for i, c in enumerate(APPLICANT_COLS):
        avail = new[i] + carried[i]
        forward = rng.randint(0, max(0, avail // 8)) if avail and rng.random() < 0.4 else 0
        handled = avail - forward
        parts = split(rng, handled, [LEAF_WEIGHTS.get(r, 0.5) for r in leaves])
        f[(T, "new_received", c)] = new[i]
        f[(T, "carried_over", c)] = carried[i]
        f[(T, "total_handled", c)] = handled
        f[(T, "carried_forward", c)] = forward
        for r, n in zip(leaves, parts):
            f[(T, r, c)] = n
    for r in ts.rows:
        f[(T, r.code, "total")] = sum(f[(T, r.code, c)] for c in APPLICANT_COLS)
    return f


def t4_figures(rng: random.Random, level: str) -> Figures:
    T = "t4_review_litigation"
    f: Figures = {}
    for r, hi in (("administrative_review", 6), ("litigation_direct", 3), ("litigation_after_review", 2)):
        parts = [small(rng, level if rng.random() < 0.5 else "idle", hi) for _ in T4_PARTS]
        for c, n in zip(T4_PARTS, parts):
            f[(T, r, c)] = n
        f[(T, r, "total")] = sum(parts)
    return f


def amount(rng: random.Random, hi: float) -> float:
    return round(rng.uniform(0.1, hi), rng.choice((1, 2, 2, 3)))


def t2_figures(rng: random.Random, template: str, level: str) -> Figures:
    T = "t2_proactive"
    f: Figures = {}
    zero = level == "idle"

    def put(row, col, value):
        f[(T, row, col)] = value

    if template == "2019":
        for row, hi in (("regulations", 0 if rng.random() < 0.9 else 3), ("normative_documents", 15)):
            made = 0 if zero else rng.randint(0, hi)
            published = made if rng.random() < 0.7 else rng.randint(0, made)
            put(row, "new_made", made)
            put(row, "new_published", published)
            put(row, "total_published", published + (0 if zero else rng.randint(0, 5 * hi)))
        for row, hi in (
            ("administrative_licensing", 60),
            ("other_external_services", 40),
            ("administrative_penalty", 300),
            ("administrative_coercion", 20),
            ("administrative_fees", 15),
        ):
            prior = 0 if zero else rng.randint(0, hi)
            put(row, "prior_year_items", prior)
            put(row, "change", 0 if zero or rng.random() < 0.6 else rng.randint(-min(prior, 5), 5))
            if row != "administrative_fees":
                put(row, "decisions", 0 if zero or not prior else rng.randint(0, 40 * prior))
        items = 0 if zero or rng.random() < 0.4 else rng.randint(1, 30)
        put("government_procurement", "procurement_items", items)
        put("government_procurement", "procurement_amount", amount(rng, 500) if items else 0)
    else:
        for row, hi in (("regulations", 0 if rng.random() < 0.9 else 3), ("normative_documents", 10)):
            issued = 0 if zero else rng.randint(0, hi)
            repealed = 0 if zero or rng.random() < 0.6 else rng.randint(0, 3)
            put(row, "issued", issued)
            put(row, "repealed", repealed)
            put(row, "in_force", issued + (0 if zero else rng.randint(0, 8 * max(hi, 1))))
        for row, hi in (
            ("administrative_licensing", 3000),
            ("administrative_penalty", 400),
            ("administrative_coercion", 30),
        ):
            put(row, "decisions", 0 if zero or rng.random() < 0.3 else rng.randint(0, hi))
        put("administrative_fees", "fee_amount", 0 if zero or rng.random() < 0.6 else amount(rng, 80))
    return f


def legacy_figures(rng: random.Random, level: str) -> Figures:
    """The 统计表 with every O-rule holding: totals = parts, channels ≥ total, 规范性文件 ≤ 制发."""
    L = "legacy_stats"
    f: Figures = {}

    def put(row, value):
        f[(L, row, "value")] = value

    busy = level != "idle"
    proactive = rng.randint(5, 400) if busy else rng.randint(0, 40)
    put("proactive_total", proactive)
    issued = rng.randint(0, 8)
    put("normative_documents_issued", issued)
    put("proactive_normative_documents", rng.randint(0, issued))
    channels = split(rng, proactive, (3, 60, 8, 10, 19))
    channels = [c + (rng.randint(0, c // 2) if rng.random() < 0.3 else 0) for c in channels]
    for k, c in zip(("gazette", "website", "weibo", "wechat", "other"), channels):
        put("channel_" + k, c)
    for row, hi in (
        ("hotspot_responses", 10),
        ("press_conferences", 4),
        ("online_interviews", 3),
        ("policy_interpretations", 12),
        ("weibo_wechat_responses", 10),
        ("other_responses", 5),
    ):
        put(row, small(rng, level, hi))
    put("press_conferences_by_leaders", rng.randint(0, f[(L, "press_conferences", "value")]))
    put("online_interviews_by_leaders", rng.randint(0, f[(L, "online_interviews", "value")]))
    received = small(rng, level, 40)
    ch = split(rng, received, (30, 2, 40, 20, 8))
    put("applications_received", received)
    for k, c in zip(("in_person", "fax", "online", "letter", "other"), ch):
        put("applications_" + k, c)
    closed = received - (rng.randint(0, received // 10) if received and rng.random() < 0.2 else 0)
    extended = rng.randint(0, closed // 5) if closed else 0
    put("applications_closed", closed)
    put("applications_closed_on_time", closed - extended)
    put("applications_closed_extended", extended)
    items = (
        "already_public",
        "granted",
        "partially_granted",
        "denied",
        "not_this_agency",
        "not_exist",
        "correction_requested",
        "other_channel",
    )
    parts = split(rng, closed, (15, 45, 8, 6, 10, 10, 3, 3))
    put("applications_answered", closed)
    for k, c in zip(items, parts):
        put("answered_" + k, c)
    denied = (
        "state_secret",
        "commercial_secret",
        "personal_privacy",
        "security_stability",
        "not_government_info",
        "other_legal",
    )
    dparts = split(rng, parts[3] - (rng.randint(0, parts[3]) if rng.random() < 0.2 else 0), (1, 3, 4, 1, 3, 2))
    for k, c in zip(denied, dparts):
        put("denied_" + k, c)
    for p, hi in (("review", 3), ("litigation", 2), ("complaints", 3)):
        outs = [small(rng, level if rng.random() < 0.4 else "idle", hi) for _ in range(3)]
        put(p + "_total", sum(outs))
        for k, c in zip(("upheld", "corrected", "other"), outs):
            put(f"{p}_{k}", c)
    paper, electronic = small(rng, level, 30), small(rng, level, 60)
    put("archive_submissions", paper + electronic)
    put("archive_paper", paper)
    put("archive_electronic", electronic)
    put("fees_collected", 0)
    put("dedicated_units", rng.choice((0, 1, 1)))
    put("reading_points", rng.randint(0, 3))
    full, part = rng.randint(0, 2), rng.randint(0, 4)
    put("staff_total", full + part)
    put("staff_full_time", full)
    put("staff_part_time", part)
    put("special_funding", rng.choice((0, 0, 0.5, 1, 2.5, 0.3)))
    put("meetings", rng.randint(0, 4))
    training = rng.randint(0, 3)
    put("training_sessions", training)
    put("trainees", training * rng.randint(5, 40))
    return f


def figures_for(rng: random.Random, template: str, level: str) -> Figures:
    """Every codebook cell of the template, consistent by construction."""
    if eras.is_legacy(template):
        return legacy_figures(rng, level)
    if eras.is_national(template):
        return {**t2_figures(rng, template, level), **t3_figures(rng, template, level), **t4_figures(rng, level)}
    return {}
