"""Warm-scan A/B on a shared machine: two source trees alternate, round after round.

    python benchmarks/bench_warm_ab.py --tree /path/to/main --tree . --rounds 5

Each run is ``soc2gate scan ../shared/corpora/real`` with bench_scan.py's configuration (the .tf
files only), a warm parse cache (filled by one cold run first), ``PYTHONPATH=<tree>/src`` and the
tree's modules compiled.  Alternating keeps the two trees in the same conditions when other jobs
share the CPUs.  Prints per run: wall s, CPU s (with children, ``wait4``), parse_s, engine_s and the
load average at the start; then min / median per tree.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_scan import CONFIG, CORPUS


def run(tree: Path, corpus: Path, work: Path, soc2gate: str) -> tuple[float, float, float, float, float]:
    env = {**os.environ, "SOC2GATE_CACHE_DIR": str(work / "cache"), "PYTHONPATH": str(tree / "src")}
    output = work / "out.json"
    load = os.getloadavg()[0]
    started = time.perf_counter()
    proc = subprocess.Popen([soc2gate, "scan", str(corpus), "--config", str(work / "bench.yaml"), "--format", "json",
                             "--output", str(output)], env=env, cwd=tree, stdout=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    timings = json.loads(output.read_text(encoding="utf-8"))["timings"]
    return wall, usage.ru_utime + usage.ru_stime, timings["parse_s"], timings["engine_s"], load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, action="append", required=True, help="a source tree (give two)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--soc2gate", default=str(Path(sys.executable).parent / "soc2gate"))
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="soc2gate-ab-"))
    (work / "bench.yaml").write_text(CONFIG, encoding="utf-8")
    trees = [tree.resolve() for tree in args.tree]
    for tree in trees:
        compileall.compile_dir(str(tree / "src" / "soc2gate"), quiet=1)
    run(trees[0], args.corpus, work, args.soc2gate)  # fills the parse cache
    rows: dict[Path, list[tuple[float, ...]]] = {tree: [] for tree in trees}
    for _ in range(args.rounds):
        for tree in trees:
            rows[tree].append(run(tree, args.corpus, work, args.soc2gate))
            wall, cpu, parse, engine, load = rows[tree][-1]
            print(f"{tree}: wall {wall:.2f} cpu {cpu:.2f} parse {parse:.2f} engine {engine:.2f} load {load:.2f}")
    for tree, runs in rows.items():
        walls, cpus, parses, engines = ([r[i] for r in runs] for i in range(4))
        print(f"{tree}: wall {min(walls):.2f} / {statistics.median(walls):.2f}, cpu {statistics.median(cpus):.2f}, "
              f"parse {statistics.median(parses):.2f}, engine {min(engines):.2f} / {statistics.median(engines):.2f}"
              " (min / median)")


if __name__ == "__main__":
    main()
