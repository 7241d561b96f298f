"""Random but consistent reports from a seed: place, agency, year, figures, printing, violations, prose, layout."""

import random
from datetime import date, timedelta

from nianbao import eras

from . import figures as fig
from .check import broken_rules
from .layouts import QUIRKS, STYLES
from .model import TEMPLATES, Layout, ReportSpec
from .places import pick_agency, pick_region
from .printing import apply_printing
from .prose import write_body
from .violations import TABLE_RULES, inject

YEARS = {"2019": (2019, 2020), "2021": (2021, 2024), "pre2019_table": (2014, 2018), "prose": (2008, 2018)}
ENCODINGS = (("utf-8", 55), ("utf-8-sig", 10), ("gb18030", 14), ("gbk", 16), ("gb18030-bom", 5))
VIOLATION_RATE = 0.35


def publication(rng: random.Random, year: int) -> date | None:
    """A date inside the legal window (after the year, by 31 Jan from the 2019 reports, by 31 Mar before)."""
    if rng.random() < 0.1:
        return None
    start = date(year + 1, 1, 5)
    end = date(year + 1, 1, 31) if year >= 2019 else date(year + 1, 3, 30)
    return start + timedelta(days=rng.randint(0, (end - start).days))


def pick_layout(rng: random.Random, template: str, style: str | None = None) -> Layout:
    style = style or rng.choice(STYLES)
    quirks = {q for q, styles in QUIRKS.items() if style in styles and rng.random() < 0.3}
    if style == "mixed":
        quirks.add("space_split_headers")
    if template != "2019":
        quirks.discard("truncated_headers")
    if "repeat_header" in quirks:
        quirks.add("page_break")
    encoding = rng.choices([e for e, _ in ENCODINGS], [w for _, w in ENCODINGS])[0]
    return Layout(
        style=style,
        quirks=frozenset(quirks),
        encoding=encoding,
        blank_line_paragraphs=rng.random() < (0.8 if style == "tab" else 0.4),
        split_header_words=rng.random() < 0.7,
        vertical_text=rng.random() < (0.8 if style == "tab" else 0.4),
        fullwidth_parens=rng.random() < 0.5,
        page_number=rng.randint(2, 5),
    )


def choose_violations(rng: random.Random, template: str, rate: float) -> list[str]:
    if rng.random() >= (rate / 3 if eras.family(template) == eras.PROSE else rate):
        return []
    rules = list(TABLE_RULES[template])
    chosen = [rng.choice(rules)]
    if rng.random() < 0.15 and len(rules) > 1:
        chosen.append(rng.choice([r for r in rules if r != chosen[0]]))
    return sorted(chosen)


def attempt(rng: random.Random, template: str, style: str | None, rate: float) -> ReportSpec:
    year = rng.randint(*YEARS[template])
    region = pick_region(rng)
    agency, aliases, kind = pick_agency(rng, region, year)
    if kind == "city_department":
        region.county, region.code = None, region.code[:4] + "00"
    spec = ReportSpec(
        agency=agency,
        region=region,
        report_year=year,
        template=template,
        published_on=publication(rng, year),
        agency_aliases=aliases,
        layout=pick_layout(rng, template, style),
    )
    if template == "2019" and region.code.startswith("42") and rng.random() < 0.6:
        spec.variant = "hubei"
        spec.hubei_extra = tuple(rng.choice((0, 0, 0, 1, 3)) for _ in range(3))
    level = fig.activity(rng)
    spec.figures = fig.figures_for(rng, template, level)
    spec.violations = choose_violations(rng, template, rate)
    for rule in spec.violations:
        if not inject(rng, spec, rule):
            spec.violations.remove(rule)
    if "R12" in spec.violations and spec.published_on is None:
        spec.violations.remove("R12")
    apply_printing(rng, spec)
    write_body(rng, spec)
    return spec


def generate(
    seed: int | str,
    index: int = 0,
    template: str | None = None,
    style: str | None = None,
    violation_rate: float = VIOLATION_RATE,
) -> ReportSpec:
    """One report, deterministic in (seed, index); its `violations` are exactly the rules it breaks."""
    rng = random.Random(f"nianbao-synth:{seed}:{index}")
    template = template or rng.choice(TEMPLATES)
    for _ in range(20):
        spec = attempt(rng, template, style, violation_rate)
        if broken_rules(spec) == set(spec.violations):
            return spec
    raise RuntimeError(f"could not generate a consistent report for seed {seed} index {index}")
