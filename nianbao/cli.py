"""The `nianbao` command: `extract PATH... [--json]` (nianbao/spec/cli.md) and `synth` (the synthetic corpus)."""

import argparse
import json
import os
import sys

EXIT_OK, EXIT_FILE_ERROR, EXIT_USAGE = 0, 1, 2


def _results(args: argparse.Namespace):
    """Results in input order: in isolated workers (time and memory limits), as the pipeline runs them."""
    if args.in_process:
        from nianbao.extract import extract_path

        return (extract_path(p) for p in args.paths)
    from nianbao.isolation import extract_many

    workers = args.workers or min(os.cpu_count() or 1, len(args.paths))
    return extract_many(args.paths, workers=workers, timeout_s=args.timeout, memory_mb=args.memory_mb)


def _extract(args: argparse.Namespace) -> int:
    status = EXIT_OK
    for path, result in zip(args.paths, _results(args)):
        result["source"] = path
        if result["status"] != "ok":
            status = EXIT_FILE_ERROR
        if args.json:
            sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        else:
            _print_human(result)
        sys.stdout.flush()
    return status


def _print_human(r: dict) -> None:
    if r["status"] != "ok":
        print(f"{r['source']}: ERROR {r['error']['kind']}: {r['error']['message']}")
        return
    rep = r["report"]
    region = "".join(v for v in (rep["region"].get("province"), rep["region"].get("city"), rep["region"].get("county")) if v)
    mapped = [f for f in r["figures"] if f.get("mapped", True)]
    print(f"{r['source']}: {rep['agency']} | {region or '?'} | {rep['report_year']} | template {rep['template']} | "
          f"published {rep['published_on'] or '?'} | {len(mapped)} figures | {len(r['findings'])} findings")
    for f in r["findings"]:
        print(f"    {f['rule']} {f['severity']}: {f['message']}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["synth"]:
        from nianbao.synth import synth_main

        return synth_main(argv[1:])
    parser = argparse.ArgumentParser(prog="nianbao", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="extract figures, metadata and findings from report files")
    ex.add_argument("paths", nargs="+", help="report files (any supported format)")
    ex.add_argument("--json", action="store_true", help="one JSON object per file per line (the contract: nianbao/spec/cli.md)")
    ex.add_argument("--workers", type=int, default=0, help="worker processes (default: one per core)")
    ex.add_argument("--timeout", type=float, default=120.0, help="seconds per file before it is given up")
    ex.add_argument("--memory-mb", type=int, default=4096, help="memory limit per worker process")
    ex.add_argument("--in-process", action="store_true", help="no worker processes (debugging)")
    sub.add_parser("synth", help="write a synthetic corpus with truth (see `nianbao synth --help`)")
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return EXIT_USAGE if e.code else EXIT_OK
    if args.command == "extract":
        return _extract(args)
    return EXIT_USAGE


def run() -> int:
    """Console entry point: a reader that closes the pipe early (| head) ends the command quietly."""
    try:
        return main()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(run())
