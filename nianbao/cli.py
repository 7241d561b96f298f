"""The `nianbao` command: `extract PATH... [--json]` (spec/cli.md) and `synth` (the synthetic corpus)."""

import argparse
import json
import sys

EXIT_OK, EXIT_FILE_ERROR, EXIT_USAGE = 0, 1, 2


def _extract(args: argparse.Namespace) -> int:
    from nianbao.extract import extract_path

    status = EXIT_OK
    for path in args.paths:
        result = extract_path(path)
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
    ex.add_argument("--json", action="store_true", help="one JSON object per file per line (spec/cli.md)")
    sub.add_parser("synth", help="write a synthetic corpus with truth (see `nianbao synth --help`)")
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return EXIT_USAGE if e.code else EXIT_OK
    if args.command == "extract":
        return _extract(args)
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
