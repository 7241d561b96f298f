"""A generated corpus for the marts tests: multi-year series, single reports (clean and broken), and duplicates."""

import json
import random
import shutil
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from nianbao.synth import generate
from nianbao.synth.corpus import render_html, render_txt, write_corpus
from nianbao.synth.prose import write_body
from nianbao.synth.truth import truth_entry

SEED = 11
SERIES_BODIES = 6
# single reports: (index, template, violations wanted); rules a per-report extractor finds
SINGLES = [
    (0, "2019", ["R1"]),
    (1, "2021", ["R2"]),
    (2, "2021", ["R3"]),
    (3, "2019", ["R4"]),
    (4, "pre2019_table", ["O1"]),
    (5, "2019", []),
    (6, "2021", []),
    (7, "pre2019_table", []),
    (8, "2021", ["R12"]),
]


def single(index: int, template: str, wanted: list[str]):
    """The first generated report of `template` (from `index` on) whose violations are exactly `wanted`."""
    for k in range(index * 1000, index * 1000 + 1000):
        spec = generate(SEED, k, template, "tab", violation_rate=1.0 if wanted else 0.0)
        late = spec.published_on is not None and spec.published_on.year > spec.report_year
        if spec.violations == wanted and late and not spec.published_also:  # R12: published late, not early
            return spec
    raise RuntimeError(f"no single report {template} {wanted}")


def build_corpus(raw: Path) -> dict:
    """Write the corpus under raw/ and return what the tests know about it."""
    series_dir = raw / "series"
    truth = write_corpus(series_dir, SERIES_BODIES, SEED, ["txt", "html"], violation_rate=0.45, series=True)
    (series_dir / "truth.json").unlink()
    singles = raw / "single"
    singles.mkdir()
    for index, template, wanted in SINGLES:
        spec = single(index, template, wanted)
        spec.file = f"single_{index}_{template}.txt"
        (singles / spec.file).write_bytes(render_txt(spec))
        truth.append({**truth_entry(spec), "series": None, "cross_report": []})
    # duplicates: the same 2021 report as .txt and .html; a byte-identical copy; a later re-post
    dup = single(20, "2021", [])
    dup.file = "dup_2021.txt"
    dups = raw / "dups"
    dups.mkdir()
    (dups / "dup_2021.txt").write_bytes(render_txt(dup))
    (dups / "dup_2021.html").write_bytes(render_html(dup))
    copy_dir = raw / "mirror"
    copy_dir.mkdir()
    shutil.copyfile(dups / "dup_2021.txt", copy_dir / "dup_2021_copy.txt")
    repost = single(21, "2019", [])  # re-posted 3 days later: same figures and prose, later date
    later = replace(repost, published_on=repost.published_on + timedelta(days=3), published_also=[])
    for spec, name in ((repost, "repost_2019_first.txt"), (later, "repost_2019_again.txt")):
        spec.body, spec.prose_metrics, spec.published_also, spec.file = [], {}, [], name
        write_body(random.Random(SEED), spec)
        (dups / name).write_bytes(render_txt(spec))
    info = {"truth": truth, "dup": dup, "repost": repost, "repost_later": later}
    (raw.parent / "corpus_truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return info


_BUILT: dict = {}


def built_marts(tmp_path_factory):
    """One full pipeline run over the samples plus this corpus, shared by every test module of the session."""
    import pytest
    from pipeline_support import make_pipeline

    if not _BUILT:
        mp = pytest.MonkeyPatch()
        try:
            p = make_pipeline(tmp_path_factory.mktemp("marts") / "home", mp)
            info = build_corpus(p.raw)
            result = p.run()
        finally:
            mp.undo()
        _BUILT.update(pipeline=p, result=result, info=info)
    return _BUILT["pipeline"], _BUILT["result"], _BUILT["info"]
