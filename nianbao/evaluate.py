"""Score extract results against a truth file (spec/cli.md format): cells, blanks, metadata, findings, false alarms."""

import math
import os
from dataclasses import dataclass, field

# rules whose breach needs more than one report, or is a timeliness flag: never a false alarm
SOFT_RULES = {"R5", "R6", "R7", "R10", "R12"}


@dataclass
class Score:
    """Totals over a corpus; `notes` lists what went wrong, per file."""

    cells: int = 0
    correct: int = 0
    wrong: int = 0
    missing: int = 0
    invented: int = 0
    spurious: int = 0
    meta: int = 0
    meta_ok: int = 0
    violations: int = 0
    found: int = 0
    false_alarms: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def cell_rate(self) -> float:
        return self.correct / max(self.cells, 1)

    @property
    def meta_rate(self) -> float:
        return self.meta_ok / max(self.meta, 1)

    def summary(self) -> str:
        return (
            f"cells {self.correct}/{self.cells} ({100 * self.cell_rate:.2f}%) | meta {self.meta_ok}/{self.meta} | "
            f"findings {self.found}/{self.violations} | false alarms {self.false_alarms} | "
            f"invented {self.invented} | spurious {self.spurious}"
        )


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


def _norm(s) -> str:
    return "".join(str(s or "").split())


def _close(want: str, got) -> bool:
    g = _norm(got)
    return bool(g) and (_norm(want) in g or g in _norm(want))


def score_document(truth: dict, out: dict | None, total: Score) -> None:
    name = truth["file"]
    figs = {}
    if out and out.get("status") == "ok":
        figs = {(f["table"], f["row"], f["column"]): f for f in out["figures"] if f.get("mapped", True)}
    elif out:
        total.notes.append(f"{name}: status {out.get('status')} {out.get('error')}")
    for f in truth.get("figures", []):
        key = (f["table"], f["row"], f["column"])
        total.cells += 1
        got = figs.get(key)
        if got is None:
            total.missing += 1
            total.notes.append(f"{name}: missing {key}")
        elif _same(got["value"], f["value"]):
            total.correct += 1
        else:
            total.wrong += 1
            total.notes.append(f"{name}: wrong {key} {got['value']!r} != {f['value']!r}")
    known = {(f["table"], f["row"], f["column"]) for f in truth.get("figures", [])}
    for b in truth.get("blank", []):
        key = (b["table"], b["row"], b["column"])
        known.add(key)
        got = figs.get(key)
        if got is not None and got["value"] not in (None, 0):
            total.invented += 1
            total.notes.append(f"{name}: invented {key}={got['value']!r}")
    complete = {k[0] for k in known} - {"prose_metrics"}
    total.spurious += sum(1 for k, f in figs.items() if k[0] in complete and k not in known and f["value"] is not None)
    rep, want = (out or {}).get("report") or {}, truth.get("report", {})
    checks = []
    if "report_year" in want:
        checks.append(("report_year", rep.get("report_year") == want["report_year"]))
    if "template" in want:
        checks.append(("template", rep.get("template") == want["template"]))
    if want.get("agency"):
        checks.append(
            ("agency", any(_close(n, rep.get("agency")) for n in [want["agency"], *want.get("agency_aliases", [])]))
        )
    if want.get("published_on"):
        ok = want["published_on"] if isinstance(want["published_on"], list) else [want["published_on"]]
        checks.append(("published_on", rep.get("published_on") in ok))
    for level, place in (want.get("region") or {}).items():
        if place:
            checks.append((f"region.{level}", _close(place, (rep.get("region") or {}).get(level))))
    for what, ok in checks:
        total.meta += 1
        total.meta_ok += ok
        if not ok:
            total.notes.append(f"{name}: meta {what} got {rep.get(what.split('.')[0])!r}")
    rules = {f["rule"] for f in (out or {}).get("findings", [])}
    for r in truth.get("violations", []):
        total.violations += 1
        total.found += r in rules
        if r not in rules:
            total.notes.append(f"{name}: undetected {r}")
    if "violations" in truth:
        hard = {r for r in rules if r[:1] in "RO" and r not in SOFT_RULES}
        for r in sorted(hard - set(truth["violations"]) - set(truth.get("tolerated_findings", []))):
            total.false_alarms += 1
            total.notes.append(f"{name}: false alarm {r}")


def score(truth: list[dict], outputs: list[dict]) -> Score:
    """Score extract outputs (matched to truth entries by file name) against a truth list."""
    by_name = {os.path.basename(o["source"]): o for o in outputs}
    total = Score()
    for t in truth:
        score_document(t, by_name.get(os.path.basename(t["file"])), total)
    return total
