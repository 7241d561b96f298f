"""Generator throughput: `python bench/bench_synth.py [--count N]` times `nianbao synth` (default profile, every
format it writes by default) in one process, per CPU-second. The bar is 2,000 documents a minute."""

import argparse
import os
import sys
import tempfile
import time

from nianbao.synth import synth_main

TARGET_PER_MINUTE = 2000.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--count", type=int, default=500)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        t0, c0 = time.perf_counter(), time.process_time()
        code = synth_main(["--out", tmp, "--count", str(args.count), "--seed", "4"])
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    if code:
        return code
    per_cpu = 60 * args.count / cpu
    print(
        f"synth: {args.count} documents in {cpu:.1f} CPU-s ({wall:.1f} s wall, load average {os.getloadavg()[0]:.1f})"
    )
    print(
        f"  per CPU-minute: {per_cpu:,.0f} documents | target {TARGET_PER_MINUTE:,.0f}: "
        f"{'PASS' if per_cpu >= TARGET_PER_MINUTE else 'BELOW'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
