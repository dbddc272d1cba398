"""Scan performance on real Terraform: soc2gate cold/warm cache, with checkov, and checkov alone.

    python benchmarks/bench_scan.py --checkov-bin /path/to/checkov-venv/bin/checkov

Runs, one after another, over every .tf under ../shared/corpora/real:

1. ``soc2gate scan`` with an empty cache (SOC2GATE_CACHE_DIR set to a new directory): cold;
2. the same scan again with that cache: warm;
3. ``checkov -d DIR --framework terraform --skip-download -o json``: checkov alone;
4. ``soc2gate scan --with-checkov`` (warm parse cache; checkov runs beside the native scan).

Each run is a separate process; wall time is measured around it, CPU time (user + sys, with the
reaped children: parse workers, the engine's child) from ``wait4``, peak RSS two ways: the
largest single process (``wait4`` ru_maxrss, covers reaped children) and the largest sum
over the process tree (sampled from /proc every 50 ms).  parse_s and engine_s come from the
JSON report's ``timings``.  Prints a Markdown table and writes the figures as JSON.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpora" / "real"
CONFIG = """# benchmark: only the Terraform (.tf) files of the corpus
exclude: ["*.yaml", "*.yml", "*.json", "*.tfvars"]
checkov:
  frameworks: [terraform]
  timeout_seconds: 3600
"""


@dataclass
class Run:
    name: str
    command: list[str]
    wall_s: float = 0.0
    cpu_s: float = 0.0  # user + sys of the process and its reaped children (wait4)
    max_rss_mb: float = 0.0
    tree_rss_mb: float = 0.0
    exit_code: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    note: str = ""


def _tree_rss_kb(root: int) -> int:
    """Sum of VmRSS over ``root`` and its descendants, from /proc."""
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
                total += next((int(line.split()[1]) for line in status if line.startswith("VmRSS:")), 0)
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as children:
                    stack.extend(int(c) for c in children.read().split())
        except (OSError, ValueError):
            continue
    return total


def measure(run: Run, env: dict[str, str], stdout: Path) -> Run:
    peak = [0]
    errors = stdout.with_suffix(".err")
    with open(stdout, "wb") as out, open(errors, "wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(run.command, env=env, stdout=out, stderr=err, cwd=REPO)
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.05):
                peak[0] = max(peak[0], _tree_rss_kb(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        run.wall_s = round(time.perf_counter() - started, 2)
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = errors.read_text(encoding="utf-8", errors="replace")
    run.exit_code = proc.returncode
    run.cpu_s = round(usage.ru_utime + usage.ru_stime, 2)
    run.max_rss_mb = round(usage.ru_maxrss / 1024, 1)
    run.tree_rss_mb = round(peak[0] / 1024, 1)
    if run.exit_code not in (0, 1):
        run.note = stderr.strip()[-500:]
    return run


def soc2gate_timings(report: Path) -> dict[str, float]:
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    timings = dict(data.get("timings", {}))
    timings["terraform_files"] = sum(1 for i in data.get("inputs", []) if i.get("kind") == "terraform")
    timings["findings"] = len(data.get("findings", []))
    return timings


def machine() -> dict[str, str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), "0")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout
    return {"cpu": cpu, "cores": str(os.cpu_count()), "memory_gb": f"{int(memory) / 1024 / 1024:.1f}",
            "os": platform.platform(), "python": platform.python_version(), "commit": commit.strip(),
            "load_before": " ".join(f"{x:.2f}" for x in os.getloadavg())}


def corpus_size(corpus: Path) -> tuple[int, int]:
    files = [p for p in corpus.rglob("*.tf") if p.is_file()]
    return len(files), sum(len(p.read_bytes().splitlines()) for p in files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--checkov-bin", default=os.environ.get("SOC2GATE_CHECKOV_BIN") or shutil.which("checkov"))
    parser.add_argument("--no-checkov", action="store_true", help="Only the soc2gate runs.")
    parser.add_argument("--soc2gate", default=str(Path(sys.executable).parent / "soc2gate"))
    parser.add_argument("--json", type=Path, default=REPO / "benchmarks" / "results" / "bench_scan.json")
    parser.add_argument("--no-bytecode", action="store_true",
                        help="Do not compile soc2gate's modules first (each run then compiles them from source).")
    args = parser.parse_args()
    if not args.no_bytecode:  # as installed: pip compiles a wheel's modules (checkov's venv has its .pyc files)
        compileall.compile_dir(str(REPO / "src" / "soc2gate"), quiet=1)
    work = Path(tempfile.mkdtemp(prefix="soc2gate-bench-"))
    config = work / "bench.soc2gate.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    env = {**os.environ, "SOC2GATE_CACHE_DIR": str(work / "cache")}
    base = [args.soc2gate, "scan", str(args.corpus), "--config", str(config), "--format", "json", "--output"]
    runs = [measure(Run("soc2gate cold", base + [str(work / "cold.json")]), env, work / "cold.out"),
            measure(Run("soc2gate warm", base + [str(work / "warm.json")]), env, work / "warm.out")]
    runs[0].timings, runs[1].timings = soc2gate_timings(work / "cold.json"), soc2gate_timings(work / "warm.json")
    if not args.no_checkov:
        if not args.checkov_bin:
            parser.error("no checkov: give --checkov-bin (checkov 3.3 in its own venv) or --no-checkov")
        alone = [args.checkov_bin, "-d", str(args.corpus), "--framework", "terraform", "--skip-download", "-o", "json"]
        runs.append(measure(Run("checkov alone", alone), env, work / "checkov.json"))
        both = base + [str(work / "both.json"), "--with-checkov", "--checkov-bin", args.checkov_bin]
        runs.append(measure(Run("soc2gate + checkov (warm)", both), env, work / "both.out"))
        runs[-1].timings = soc2gate_timings(work / "both.json")
    report(runs, args, work)
    return 0


def report(runs: list[Run], args: argparse.Namespace, work: Path) -> None:
    files, lines = corpus_size(args.corpus)
    facts = {"machine": machine(), "corpus": str(args.corpus), "tf_files": files, "tf_lines": lines,
             "workdir": str(work), "runs": [asdict(r) for r in runs]}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(facts, indent=2) + "\n", encoding="utf-8")
    checkov = next((r.wall_s for r in runs if r.name == "checkov alone"), None)
    print(f"corpus: {files} .tf files, {lines} lines; machine: {facts['machine']}")
    print("| run | wall s | CPU s | vs checkov | parse s | engine s | checkov s "
          "| peak RSS MB (largest process / tree) | exit |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in runs:
        ratio = f"1/{checkov / r.wall_s:.0f}" if checkov and r.wall_s and r.name != "checkov alone" else "-"
        t = r.timings
        print(f"| {r.name} | {r.wall_s} | {r.cpu_s} | {ratio} | {t.get('parse_s', '-')} | {t.get('engine_s', '-')} | "
              f"{t.get('checkov_s', '-')} | {r.max_rss_mb} / {r.tree_rss_mb} | {r.exit_code} |")
    for r in runs:
        print(f"{r.name}: {' '.join(r.command)}" + (f"\n  problem: {r.note}" if r.note else ""))
    print(f"figures: {args.json}; outputs: {work}")


if __name__ == "__main__":
    sys.exit(main())
