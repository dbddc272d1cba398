"""Cost of the evaluation deadline: the full pack's one query in a forked child vs in-process.

    python benchmarks/eval_deadline.py [--runs 5] [PATH ...]   (default: examples/ and the real corpus's .tf)

Each measurement is a fresh process, as a ``soc2gate scan`` is: it collects the inputs (parse
cache warm after the first), builds the input document and times one ``engine.evaluate`` with
the engine ``scan`` builds (forked child, ``limits.eval_timeout_s``) or with the in-process
engine the webhook workers use (``eval_timeout_s: 0``).  The two modes alternate; the median
and maximum of each are printed.  Bounded: ``2 × --runs`` processes of a few seconds each.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_PATHS = [str(REPO / "examples"), str(REPO.parent / "shared" / "corpora" / "real")]
MODES = {"forked (scan)": None, "in-process (webhook)": 0}


def one(mode: str, paths: list[str]) -> None:
    """In a fresh process: one evaluation, its seconds printed on the last line."""
    from soc2gate.api import Gate, ScanOptions
    from soc2gate.engine import get_engine
    from soc2gate.engine.input_doc import build_input
    from soc2gate.parsers.collect import CollectOptions, collect

    collected = collect(paths, CollectOptions(excludes=("*.yaml", "*.yml", "*.json", "*.tfvars")))
    gate = Gate.load(ScanOptions())
    engine = gate.engine
    if MODES[mode] is not None:
        engine = get_engine("regorus", {"eval_timeout_s": MODES[mode]})
        engine.prepare(gate.bundle)
    document = build_input(collected.resources, gate.params())
    cpu_before = _cpu()
    started = time.perf_counter()
    engine.evaluate(document)
    print(f"{len(collected.resources)} {time.perf_counter() - started:.4f} {_cpu() - cpu_before:.4f}")


def _cpu() -> float:
    """CPU seconds of this process and its reaped children (the forked evaluation)."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--one", choices=sorted(MODES), help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", default=DEFAULT_PATHS)
    args = parser.parse_args()
    if args.one:
        one(args.one, args.paths)
        return
    wall: dict[str, list[float]] = {mode: [] for mode in MODES}
    cpu: dict[str, list[float]] = {mode: [] for mode in MODES}
    resources = "?"
    for _ in range(args.runs):
        for mode in MODES:
            done = subprocess.run([sys.executable, __file__, "--one", mode, *args.paths], capture_output=True,
                                  text=True, check=True, env={**os.environ, "PYTHONPATH": str(REPO / "src")})
            resources, seconds, cpu_seconds = done.stdout.split()[-3:]
            wall[mode].append(float(seconds))
            cpu[mode].append(float(cpu_seconds))
    print(f"{resources} resources, {args.runs} fresh processes per mode, load average {os.getloadavg()[0]:.1f}")
    for mode in MODES:
        print(f"{mode:22} wall median {statistics.median(wall[mode]):.3f} s (max {max(wall[mode]):.3f})  "
              f"CPU median {statistics.median(cpu[mode]):.3f} s")


if __name__ == "__main__":
    main()
