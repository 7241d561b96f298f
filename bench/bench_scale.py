"""A national year on this machine: build the warehouse from N synthetic reports, add one, run again; time, RSS.

Generates the corpus once with `nianbao synth` (cached under $NIANBAO_BENCH_DIR, default /tmp/nianbao-bench),
builds the warehouse from scratch with `python -m orchestration.run` (what `make run` runs), then adds one report
and runs again. Prints wall time per stage, documents per second, peak RSS of the whole process tree (sampled from
/proc: the run, its parser workers, dbt), and the incremental run's time; then where a mixed national year would
spend its parse time, from per-format throughput measured by bench_formats. Writes bench/results/<date>-N.json/.md.
"""

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Format shares of a national year. domain.md §e gives the formats in the wild and their order (HTML article
# pages most common since about 2012; PDF and DOCX/DOC attachments beside them; scans exist but were rare in the
# excerpts) but no numbers: these shares are our assumption, stated as such in every output.
ASSUMED_SHARES = {"html": 0.55, "pdf": 0.20, "docx": 0.10, "doc": 0.08, "txt": 0.05, "pdf-scan": 0.02}
PAGE = os.sysconf("SC_PAGE_SIZE")


def tree_rss(root: int) -> int:
    """Resident bytes of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            pass
        todo += children.get(pid, [])
    return total


class Sampler(threading.Thread):
    """Samples a process tree's RSS every `every` seconds: (epoch time, bytes) pairs."""

    def __init__(self, pid: int, every: float = 0.5):
        super().__init__(daemon=True)
        self.pid, self.every, self.samples, self.stop = pid, every, [], threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.samples.append((time.time(), tree_rss(self.pid)))
            self.stop.wait(self.every)


def corpus(base: Path, n: int, seed: int = 1) -> Path:
    """The raw dir of N synthetic reports (default violation rate), generated once and cached."""
    root = base / f"corpus-{n}"
    raw = root / "raw"
    if (root / "complete").exists():
        return raw
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    t = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "nianbao.cli", "synth", "--out", str(raw), "--count", str(n), "--seed", str(seed)],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    (raw / "truth.json").rename(root / "truth.json")
    (root / "complete").write_text(f"generated in {time.monotonic() - t:.0f} s\n")
    return raw


def home_relative(value, home: str | Path):
    """The summary with paths under the bench's NIANBAO_HOME written as $NIANBAO_HOME/…: results name no machine path."""
    if isinstance(value, dict):
        return {k: home_relative(v, home) for k, v in value.items()}
    if isinstance(value, list):
        return [home_relative(v, home) for v in value]
    if isinstance(value, str) and value.startswith(str(home)):
        return "$NIANBAO_HOME" + value[len(str(home)) :]
    return value


def interpreter() -> str:
    """The interpreter as a path relative to the repo, or to its virtual environment's parent: never a machine path."""
    exe = Path(sys.executable).absolute()
    for base in (ROOT, Path(sys.prefix).parent):
        if exe.is_relative_to(base):
            return str(exe.relative_to(base))
    return exe.name


def run_pipeline(env: dict[str, str], label: str, log: Path) -> dict:
    """`python -m orchestration.run` with the process tree's RSS sampled; its summary, wall time and RSS."""
    out = log.with_suffix(".summary.json")
    t = time.monotonic()
    with open(log, "w") as f:
        proc = subprocess.Popen(
            [sys.executable, "-m", "orchestration.run", "--summary-json", str(out)],
            cwd=ROOT,
            env=env,
            stdout=f,
            stderr=subprocess.STDOUT,
        )
        sampler = Sampler(proc.pid)
        sampler.start()
        code = proc.wait()
        sampler.stop.set()
        sampler.join()
    wall = time.monotonic() - t
    summary = home_relative(json.loads(out.read_text()) if out.exists() else {}, env["NIANBAO_HOME"])
    peak = {}
    for stage, windows in (summary.get("stage_windows") or {}).items():
        inside = [rss for at, rss in sampler.samples if any(a <= at <= b for a, b in windows)]
        peak[stage] = max(inside, default=0)
    print(
        f"{label}: exit {code}, {wall:.0f} s, peak RSS {max(r for _, r in sampler.samples) / 2**30:.2f} GiB (log {log})"
    )
    return {
        "exit_code": code,
        "wall_s": round(wall, 1),
        "peak_rss_bytes": max(r for _, r in sampler.samples),
        "stage_peak_rss_bytes": peak,
        "summary": summary,
    }


def previous_full(home: Path) -> dict:
    """The from-scratch figures of the run that built `home` (its summary file), for a --plus-one report."""
    out = home / "run-full.summary.json"
    summary = home_relative(json.loads(out.read_text()) if out.exists() else {}, home)
    summary.pop("stage_windows", None)
    return {
        "exit_code": None,
        "wall_s": "-",
        "peak_rss_bytes": None,
        "stage_peak_rss_bytes": {},
        "summary": summary,
        "reused": str(home),
    }


def add_one_report(raw: Path, seed: int) -> Path:
    """One new synthetic report under raw/bench-extra/ (removed again after the run; the corpus stays cached)."""
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-one-") as tmp:
        subprocess.run(
            [sys.executable, "-m", "nianbao.cli", "synth", "--out", tmp, "--count", "1", "--seed", str(seed)],
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        (src,) = [p for p in Path(tmp).iterdir() if p.name != "truth.json"]
        dest = raw / "bench-extra" / f"added-{src.name}"
        dest.parent.mkdir(exist_ok=True)
        shutil.copyfile(src, dest)
    return dest


def reports_rebuilt(warehouse: Path) -> int | None:
    """How many reports the last dbt build rebuilt in the marts (a + 1 run's cost grows with it: a report that
    becomes, or was, the original of a group of identical statistics tables rebuilds the group, for X_COPY)."""
    import duckdb

    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            return con.execute(
                "select count(*) from state.mart_state__reports "
                "where built_through = (select max(built_through) from state.mart_state__reports)"
            ).fetchone()[0]
    except duckdb.Error:  # no warehouse, or no state yet: not reported
        return None


def copy_group_bodies(warehouse: Path, report_id: str) -> int | None:
    """How many other bodies printed statistics tables identical to the report's (same year and template): the
    group X_COPY compares it with. None when it has no fingerprint (not chosen, or too few non-zero cells)."""
    import duckdb

    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            added = con.execute(
                "select agency_id, report_year, template, tables_fingerprint from state.mart_state__reports "
                "where report_id = ? and tables_fingerprint is not null",
                [report_id],
            ).fetchone()
            if added is None:
                return None
            return con.execute(
                "select count(distinct agency_id) from state.mart_state__reports where agency_id <> ? "
                "and report_year = ? and template = ? and tables_fingerprint = ?",
                list(added),
            ).fetchone()[0]
    except duckdb.Error:
        return None


def machine() -> dict:
    """CPU model, cores, RAM, Python, OS and the commit measured."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = next(
        int(line.split()[1]) * 1024
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(mem / 2**30, 1),
        "python": f"{platform.python_implementation()} {platform.python_version()} ({interpreter()})",
        "os": platform.platform(),
        "commit": commit.stdout.strip(),
        "load_avg_at_start": os.getloadavg(),
    }


def formats(n: int, workers: int) -> dict:
    """Per-format throughput of the full extract (bench_formats), on small rendered samples."""
    from bench.bench_formats import build, measure

    with tempfile.TemporaryDirectory(prefix="nianbao-bench-fmt-") as tmp:
        files = build(Path(tmp), n, max(2, n // 4), 2)
        return measure(files, workers)


def projection(rates: dict, year: int) -> dict:
    """Parse hours of a national year of `year` reports split by the assumed format shares (None: not measured)."""
    out = {}
    for fmt, share in ASSUMED_SHARES.items():
        docs = round(year * share)
        rate = (rates.get(fmt) or {}).get("docs_per_s")
        out[fmt] = {
            "share": share,
            "documents": docs,
            "docs_per_s": rate,
            "hours": round(docs / rate / 3600, 2) if rate else None,
        }
    return out


def gib(b: int | None) -> str:
    return "-" if not b else f"{b / 2**30:.2f}"


def report(res: dict) -> str:
    """The results as Markdown (also printed)."""
    full, inc = res["from_scratch"], res["incremental"]
    fs, ins = full["summary"], inc["summary"]
    lines = [
        f"# bench_scale: N = {res['n']:,} ({res['date']})",
        "",
        "machine: " + ", ".join(f"{k} {v}" for k, v in res["machine"].items()),
        "",
        "| stage | from scratch (s) | peak RSS (GiB) | + 1 report (s) | peak RSS (GiB) |",
        "|---|---|---|---|---|",
    ]
    stages = list(dict.fromkeys([*(fs.get("stage_seconds") or {}), *(ins.get("stage_seconds") or {})]))
    for s in stages:
        lines.append(
            f"| {s} | {(fs.get('stage_seconds') or {}).get(s, '-')} | "
            f"{gib(full['stage_peak_rss_bytes'].get(s))} | {(ins.get('stage_seconds') or {}).get(s, '-')} | "
            f"{gib(inc['stage_peak_rss_bytes'].get(s))} |"
        )
    lines += [
        (
            f"| **whole run** (process wall) | **{full['wall_s']}** | **{gib(full['peak_rss_bytes'])}** | "
            f"**{inc['wall_s']}** | **{gib(inc['peak_rss_bytes'])}** |"
        ),
        "",
        (
            f"- from scratch: {fs.get('reports_parsed')} documents parsed at {fs.get('docs_per_s')} docs/s "
            f"({fs.get('chunks_committed')} chunks); success {fs.get('success')}, snapshot published "
            f"{fs.get('snapshot_published')}, checks failed {fs.get('checks_failed')}"
        ),
        (
            f"- + 1 report: {ins.get('reports_parsed')} parsed (synth seed {res.get('added_seed')}), "
            f"{res.get('reports_rebuilt')} reports rebuilt in the marts (its statistics tables identical to "
            f"{res.get('copy_group_bodies')} other bodies'); success {ins.get('success')}, snapshot "
            f"published {ins.get('snapshot_published')}"
        ),
        "",
    ]
    if res.get("formats"):
        lines += projection_lines(res)
    return "\n".join(lines) + "\n"


def projection_lines(res: dict) -> list[str]:
    """The Markdown of where a mixed national year would spend its time: parse hours per format (measured rates,
    assumed shares), then the format-independent rest of the from-scratch run measured above."""
    lines = [
        "## Where a national year of 150,000 reports would spend its time",
        "",
        (
            "Shares are **assumed** (domain.md §e names the formats and their order, not their shares); "
            "throughput is the full extract (reader + parser) on 2 workers, measured on rendered samples "
            "(bench_formats: report_2019 and long-table reports; DOC and PDF rendered by LibreOffice, scans are "
            "rasterised PDF pages read by OCR)."
        ),
        "",
        "| format | share | documents | docs/s (measured) | parse hours |",
        "|---|---|---|---|---|",
    ]
    total = 0.0
    for fmt, p in res["projection"].items():
        total += p["hours"] or 0
        lines.append(
            f"| {fmt} | {p['share']:.0%} | {p['documents']:,} | {p['docs_per_s'] or 'not measured'} "
            f"| {p['hours'] if p['hours'] is not None else '-'} |"
        )
    lines += [f"| **parse, all formats** | | | | **{total:.2f}** |", ""]
    missing = [f for f, p in res["projection"].items() if p["hours"] is None]
    if missing:
        lines += [f"Not measured here: {', '.join(missing)} (LibreOffice renders them: `make system-deps`).", ""]
    stages = ((res.get("from_scratch") or {}).get("summary") or {}).get("stage_seconds") or {}
    rest = {k: v for k, v in stages.items() if k != "extract"}
    write = ((res.get("from_scratch") or {}).get("summary") or {}).get("extract_write_seconds") or 0
    if rest and res.get("n"):
        scale = 150_000 / res["n"]
        rest_h = (sum(rest.values()) + write) * scale / 3600
        share = {fmt: (p["hours"] or 0) / total for fmt, p in res["projection"].items()} if total else {}
        top = max(share, key=share.get) if share else None
        lines += [
            (
                f"The rest of a from-scratch run does not depend on the format (the same rows reach raw.*): "
                f"writing raw.* {write:.0f} s, "
                + ", ".join(f"{k} {v:.0f} s" for k, v in rest.items())
                + f" at N = {res['n']:,}, so about {rest_h:.2f} h for 150,000. A mixed year: about "
                f"**{total + rest_h:.1f} h** on this machine"
                + (f", {share[top]:.0%} of its parse time in {top}." if top else ".")
            ),
            "",
        ]
    return lines


def formats_only(results: Path, docs: int) -> int:
    """Measure per-format throughput now and write the projection into an earlier bench-scale results file."""
    res = json.loads(results.read_text())
    res["formats"] = formats(docs, 2)
    res["projection"] = projection(res["formats"], 150_000)
    res["formats_measured"] = {"date": dt.date.today().isoformat(), "load_avg_at_start": os.getloadavg()}
    text = report(res)
    print(text)
    results.write_text(json.dumps(res, indent=1, default=str) + "\n")
    results.with_suffix(".md").write_text(text)
    print(f"written {results} and {results.with_suffix('.md')}")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=int(os.environ.get("N") or 150_000))
    ap.add_argument("--dir", default=os.environ.get("NIANBAO_BENCH_DIR") or "/tmp/nianbao-bench")
    ap.add_argument("--format-docs", type=int, default=120, help="HTML/DOCX/TXT samples per format (bench_formats)")
    ap.add_argument("--no-formats", action="store_true", help="skip the per-format measurement and projection")
    ap.add_argument(
        "--plus-one",
        action="store_true",
        help="only the + 1 report run, on the home an earlier bench-scale built (no rebuild)",
    )
    ap.add_argument("--home", help="the NIANBAO_HOME to use (default: <dir>/home-N)")
    ap.add_argument(
        "--seed",
        type=int,
        help="`nianbao synth` seed of the added report (default: the time with --plus-one, else N+7)",
    )
    ap.add_argument(
        "--formats-only",
        metavar="RESULTS_JSON",
        help="only measure the formats and project a year, into an earlier results file (rewritten)",
    )
    args = ap.parse_args()
    if args.formats_only:
        return formats_only(Path(args.formats_only), args.format_docs)
    base = Path(args.dir)
    base.mkdir(parents=True, exist_ok=True)
    res = {"n": args.n, "date": dt.date.today().isoformat(), "machine": machine()}
    t = time.monotonic()
    raw = corpus(base, args.n)
    print(f"corpus: {raw} ({time.monotonic() - t:.0f} s)")
    home = Path(args.home) if args.home else base / f"home-{args.n}"
    shutil.rmtree(raw / "bench-extra", ignore_errors=True)
    if args.plus_one:
        if not (home / "warehouse.duckdb").exists():
            print(f"--plus-one: no warehouse in {home}; run bench-scale without --plus-one first", file=sys.stderr)
            return 2
    else:
        shutil.rmtree(home, ignore_errors=True)
        home.mkdir(parents=True)
    env = {
        **os.environ,
        "NIANBAO_HOME": str(home),
        "NIANBAO_RAW_DIR": str(raw),
        "DAGSTER_HOME": str(home / "dagster_home"),
        "NIANBAO_WAREHOUSE_PATH": str(home / "warehouse.duckdb"),
        "DBT_PROFILES_DIR": str(ROOT / "dbt_project"),
        "DAGSTER_DISABLE_TELEMETRY": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    if args.plus_one:
        res["from_scratch"] = previous_full(home)
    else:
        res["from_scratch"] = run_pipeline(env, "from scratch", home / "run-full.log")
    # a fresh report each --plus-one re-run (the same bytes again would be a known content, not parsed)
    res["added_seed"] = args.seed if args.seed is not None else int(time.time()) if args.plus_one else args.n + 7
    added = add_one_report(raw, seed=res["added_seed"])
    added_sha256 = hashlib.sha256(added.read_bytes()).hexdigest()
    try:
        res["incremental"] = run_pipeline(env, "+ 1 report", home / "run-plus-one.log")
    finally:
        shutil.rmtree(added.parent, ignore_errors=True)
    res["reports_rebuilt"] = reports_rebuilt(home / "warehouse.duckdb")
    res["copy_group_bodies"] = copy_group_bodies(home / "warehouse.duckdb", added_sha256)
    if not args.no_formats:
        res["formats"] = formats(args.format_docs, 2)
        res["projection"] = projection(res["formats"], 150_000)
    text = report(res)
    print("\n" + text)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    stem = out / f"{res['date']}-{args.n}{'-plus-one' if args.plus_one else ''}"
    for r in (res["from_scratch"], res["incremental"]):
        r["summary"].pop("stage_windows", None)
    stem.with_suffix(".json").write_text(json.dumps(res, indent=1, default=str) + "\n")
    stem.with_suffix(".md").write_text(text)
    print(f"written {stem}.json and {stem}.md")
    return 0 if res["from_scratch"]["exit_code"] in (0, None) and res["incremental"]["exit_code"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
