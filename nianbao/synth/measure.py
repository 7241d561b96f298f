"""Score `nianbao extract --json` output on a generated corpus by phenomenon:
`python -m nianbao.synth.measure --truth DIR/truth.json --output extract.jsonl`."""

import argparse
import json
import os
import sys
from pathlib import Path

from nianbao.evaluate import Score, score_document


def by_phenomenon(truth: list[dict], outputs: list[dict]) -> dict[str, Score]:
    """One Score per phenomenon (a document counts under each of its phenomena, and under 'none' if it has
    none), plus 'all'."""
    outs = {os.path.basename(str(o.get("source", ""))): o for o in outputs}
    scores: dict[str, Score] = {"all": Score()}
    for t in truth:
        out = outs.get(os.path.basename(t["file"]))
        for name in ["all", *(t.get("phenomena") or ["none"])]:
            score_document(t, out, scores.setdefault(name, Score()))
    return scores


def table(scores: dict[str, Score], truth: list[dict]) -> str:
    """The scores as a Markdown table, the worst cell rate first."""
    docs = {name: sum(1 for t in truth if name in (t.get("phenomena") or ["none"])) for name in scores}
    docs["all"] = len(truth)
    lines = ["| phenomenon | docs | cells right | meta right | findings | false alarms |", "|---|---|---|---|---|---|"]
    for name, s in sorted(scores.items(), key=lambda kv: (kv[0] != "all", kv[1].cell_rate)):
        lines.append(
            f"| {name} | {docs[name]} | {s.correct}/{s.cells} ({100 * s.cell_rate:.1f}%) | "
            f"{s.meta_ok}/{s.meta} ({100 * s.meta_rate:.1f}%) | {s.found}/{s.violations} | {s.false_alarms} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m nianbao.synth.measure", description=__doc__)
    ap.add_argument("--truth", required=True, type=Path)
    ap.add_argument("--output", required=True, type=Path, help="JSON Lines of `nianbao extract --json`")
    args = ap.parse_args(argv)
    truth = json.loads(args.truth.read_text(encoding="utf-8"))
    outputs = [
        json.loads(line) for line in args.output.read_text(encoding="utf-8").splitlines() if line.startswith("{")
    ]
    print(table(by_phenomenon(truth, outputs), truth))
    return 0


if __name__ == "__main__":
    sys.exit(main())
