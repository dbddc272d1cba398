"""Wall time of one pre-commit hook invocation on a single changed Terraform file, next to checkov.

soc2gate runs its hook entry (`soc2gate hook FILE`, what pre-commit executes) from the module
root, the way pre-commit runs it from the repository root; checkov runs on the same file
(`checkov -f FILE`, and optionally `checkov -d .`, the entry of checkov's own pre-commit hook).
Each run first edits the file (a trailing comment), so its parse is never cached; soc2gate is
measured with the other module files cached ("warm", the usual commit) and with an empty cache
("cold", the first commit on a machine).  Target: soc2gate under 0.6 s warm.  Also reports the
import cost of `soc2gate.cli` and whether heavy modules load at CLI import time.

    python benchmarks/precommit_latency.py [--file ../shared/corpora/real/terragoat/terraform/aws/s3.tf]
        [--runs 5] [--checkov /work/checkov-venv/bin/checkov] [--checkov-dir] [--out benchmarks/results/precommit_latency.md]

checkov lives in its own virtual environment (never install it next to soc2gate); when it is
not there the report says "unavailable" instead of a number.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 0.6
HEAVY = ("hcl2", "lark", "regorus", "jsonschema", "yaml")
DEFAULT_FILE = Path(__file__).resolve().parent.parent.parent / "shared/corpora/real/terragoat/terraform/aws/s3.tf"
DEFAULT_CHECKOV = os.environ.get("CHECKOV", "/work/checkov-venv/bin/checkov")


def soc2gate_command() -> list[str]:
    script = Path(sys.executable).parent / "soc2gate"
    return [str(script)] if script.is_file() else [sys.executable, "-c", "from soc2gate.cli import main; main()"]


def module_copy(file: Path, workdir: Path) -> Path:
    """The file's module directory (top-level files only) copied into ``workdir``."""
    for member in sorted(file.parent.iterdir()):
        if member.is_file():
            shutil.copy2(member, workdir / member.name)
    return workdir / file.name


def timed(command: list[str], cwd: Path, env: dict[str, str], touch: Path, run: int) -> tuple[float, int]:
    with touch.open("a", encoding="utf-8") as handle:
        handle.write(f"\n# edit {run}\n")
    started = time.perf_counter()
    proc = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started, proc.returncode


def measure(command: list[str], cwd: Path, env: dict[str, str], touch: Path, runs: int,
            fresh_cache: Path | None = None) -> dict[str, float]:
    times, codes = [], set()
    for run in range(runs):
        if fresh_cache is not None:
            shutil.rmtree(fresh_cache, ignore_errors=True)
        seconds, code = timed(command, cwd, env, touch, run)
        times.append(seconds)
        codes.add(code)
    return {"median": statistics.median(times), "min": min(times), "max": max(times), "exit": sorted(codes)}


def import_cost() -> tuple[float, list[str]]:
    """Seconds to import soc2gate.cli and the hook command (what `soc2gate hook` loads before it runs;
    the other command groups load only when invoked), and the heavy modules that came with them."""
    code = "import soc2gate.cli; soc2gate.cli.cli.get_command(None, 'hook')"
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True)
    total, heavy = 0, []
    for line in proc.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|(\s*)(\S+)", line)
        if not match:
            continue
        if not match.group(2).strip(" ") and len(match.group(2)) == 1:
            total += int(match.group(1))
        if match.group(3).split(".")[0] in HEAVY:
            heavy.append(match.group(3))
    return total / 1e6, sorted(set(heavy))


PHASES = """
import json, sys, time
started = time.perf_counter()
from soc2gate import api
from soc2gate.staged import filter_result, plan_hook
imported = time.perf_counter()
gate = api.Gate.load(api.ScanOptions())
loaded = time.perf_counter()
plan = plan_hook((sys.argv[1],), (), False)
result = filter_result(api.scan(api.ScanOptions(paths=tuple(plan.scan)), gate), plan)
done = time.perf_counter()
print(json.dumps({"import soc2gate.api": imported - started, "load policies (Gate.load)": loaded - imported,
                  "parse (cache: other module files)": result.timings.get("parse_s", 0.0),
                  "evaluate": result.timings.get("engine_s", 0.0), "scan total": done - loaded,
                  "policies": len(gate.policies)}))
"""


def phases(work: Path, target: Path, env: dict[str, str]) -> dict[str, float]:
    """Where the time of one warm hook run goes, measured inside one process."""
    import json

    with target.open("a", encoding="utf-8") as handle:
        handle.write("\n# phases\n")
    proc = subprocess.run([sys.executable, "-c", PHASES, target.name], cwd=work, env=env, capture_output=True,
                          text=True)
    return json.loads(proc.stdout) if proc.returncode == 0 else {"error": proc.stderr.strip()[-300:]}


def row(name: str, command: list[str], stats: dict[str, float] | None, note: str = "") -> str:
    shown = " ".join(Path(command[0]).name if i == 0 else part for i, part in enumerate(command))
    if stats is None:
        return f"| {name} | `{shown}` | unavailable | | | {note} |"
    return (f"| {name} | `{shown}` | {stats['median']:.3f} | {stats['min']:.3f} | {stats['max']:.3f} | "
            f"exit {stats['exit']}{'; ' + note if note else ''} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--checkov", default=DEFAULT_CHECKOV)
    parser.add_argument("--checkov-dir", action="store_true", help="also time `checkov -d .` (its hook's entry)")
    parser.add_argument("--out", default="benchmarks/results/precommit_latency.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="soc2gate-bench-") as temp:
        rows, split = run_all(args, Path(temp))
    cli_seconds, heavy = import_cost()
    report = ["# pre-commit latency: one changed Terraform file", "",
              f"File: `{args.file}` ({sum(1 for _ in args.file.open(encoding='utf-8'))} lines, its module's "
              f"{sum(1 for p in args.file.parent.iterdir() if p.is_file())} top-level files evaluated); "
              f"{args.runs} runs each; wall seconds; target soc2gate warm < {TARGET_S} s; "
              f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end.", "",
              "| tool | command | median | min | max | notes |", "| --- | --- | --: | --: | --: | --- |", *rows, "",
              f"`import soc2gate.cli` + the hook command: {cli_seconds * 1000:.0f} ms; heavy modules imported "
              f"at CLI start: {', '.join(heavy) or 'none'}.", "",
              "Phases of one warm run (seconds, one process): " +
              ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in split.items()), ""]
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(report), encoding="utf-8")
    print("\n".join(report))


def run_all(args: argparse.Namespace, temp: Path) -> tuple[list[str], dict[str, float]]:
    work = temp / "module"
    work.mkdir()
    target = module_copy(args.file.resolve(), work)
    cache = temp / "cache"
    env = {**os.environ, "SOC2GATE_CACHE_DIR": str(cache)}
    hook = soc2gate_command() + ["hook", target.name]
    subprocess.run(hook, cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # prime cache
    rows = [row("soc2gate (warm cache)", hook, measure(hook, work, env, target, args.runs)),
            row("soc2gate (cold cache)", hook, measure(hook, work, env, target, args.runs, fresh_cache=cache))]
    checkov = shutil.which(args.checkov) or (args.checkov if Path(args.checkov).is_file() else None)
    commands = [("checkov (same file)", ["-f", target.name])]
    if args.checkov_dir:
        commands.append(("checkov (its hook: -d .)", ["-d", "."]))
    for name, extra in commands:
        command = [checkov or "checkov", *extra, "--quiet", "--compact", "--framework", "terraform"]
        if checkov is None:
            rows.append(row(name, command, None, f"checkov not found at {args.checkov}"))
        else:
            rows.append(row(name, command, measure(command, work, dict(os.environ), target, args.runs)))
    return rows, phases(work, target, env)


if __name__ == "__main__":
    main()
