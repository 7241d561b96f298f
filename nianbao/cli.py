"""The `nianbao` command: `extract PATH... [--json]` (nianbao/spec/cli.md) and `synth` (the synthetic corpus)."""

import argparse
import json
import os
import sys

from nianbao import PARSER_VERSION

EXIT_OK, EXIT_FILE_ERROR, EXIT_USAGE = 0, 1, 2


def version() -> str:
    """`nianbao --version`: the installed package's version and the parser version (which keys the parse cache)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        package = dist_version("nianbao")
    except PackageNotFoundError:
        package = "unknown"
    return f"nianbao {package} (parser {PARSER_VERSION})"


def _in_process(paths, **_limits):
    """extract_many's interface without worker processes (--in-process: debugging)."""
    from nianbao.extract import extract_path

    return (extract_path(p) for p in paths)


def _extract(args: argparse.Namespace) -> int:
    """One result per file in input order; a folder stands for every entry under it, in the pipeline's order."""
    from nianbao import batch
    from nianbao.inputs import expand

    files = [f for path in args.paths for f in expand(path)]
    readable = sum(1 for f in files if not f.error_kind)
    if args.in_process:
        many, limits = _in_process, {}
    else:
        from nianbao.isolation import extract_many

        many = extract_many
        limits = {
            "workers": args.workers or max(1, min(os.cpu_count() or 1, readable)),
            "timeout_s": args.timeout,
            "memory_mb": args.memory_mb,
        }
    status = EXIT_OK
    for f, result in zip(files, batch.extract_stream(files, many, **limits), strict=True):
        if f.error_kind:  # nothing was read: no content hash, and the reason on stderr
            result["sha256"] = None
            print(f"nianbao: {result['source']}: {result['error']['message']}", file=sys.stderr, flush=True)
        if result["status"] != "ok":
            status = EXIT_FILE_ERROR
        if args.json:
            sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        elif not f.error_kind:
            _print_human(result)
        sys.stdout.flush()
    return status


def _print_human(r: dict) -> None:
    if r["status"] != "ok":
        print(f"{r['source']}: ERROR {r['error']['kind']}: {r['error']['message']}")
        return
    rep = r["report"]
    region = "".join(
        v for v in (rep["region"].get("province"), rep["region"].get("city"), rep["region"].get("county")) if v
    )
    mapped = [f for f in r["figures"] if f.get("mapped", True)]
    print(
        f"{r['source']}: {rep['agency']} | {region or '?'} | {rep['report_year']} | template {rep['template']} | "
        f"published {rep['published_on'] or '?'} | {len(mapped)} figures | {len(r['findings'])} findings"
    )
    for f in r["findings"]:
        print(f"    {f['rule']} {f['severity']}: {f['message']}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["synth"]:
        from nianbao.synth import synth_main

        return synth_main(argv[1:])
    parser = argparse.ArgumentParser(prog="nianbao", description=__doc__)
    parser.add_argument("--version", action="version", version=version())
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="extract figures, metadata and findings from report files")
    ex.add_argument(
        "paths",
        nargs="+",
        help="report files (any supported format), or folders: every file under "
        "them, as the pipeline reads its raw dir",
    )
    ex.add_argument(
        "--json", action="store_true", help="one JSON object per file per line (the contract: nianbao/spec/cli.md)"
    )
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
