"""What --diff-base costs: a scan of a corpus directory with and without comparing it with its
base revision, in a throwaway git repository (the corpus committed, then one resource added).

    python benchmarks/diff_base.py [CORPUS_DIR] [--runs 3]

Prints the median wall time of `scan`, `scan --diff-base` (cold and warm parse cache) and the
new/existing/fixed counts. Nothing is asserted: figures go to benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "corpora" / "real" / "terragoat" / "terraform"
ADDED = 'resource "aws_ebs_volume" "added_by_pr" {\n  availability_zone = "us-west-2a"\n  size = 1\n}\n'


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=bench@example.com", "-c", "user.name=bench", *args], cwd=repo,
                   check=True, capture_output=True, timeout=120)


def _repository(corpus: Path, into: Path) -> Path:
    repo = into / "repo"
    shutil.copytree(corpus, repo / "infra")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    _git(repo, "checkout", "-q", "-b", "pr")
    (repo / "infra" / "added_by_pr.tf").write_text(ADDED)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "pr")
    return repo


def _time(repo: Path, cache: Path, *extra: str) -> tuple[float, str]:
    code = "import sys; from soc2gate.cli import main; sys.argv[0] = 'soc2gate'; main()"
    env = {**os.environ, "SOC2GATE_CACHE_DIR": str(cache)}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, "scan", "infra", "--format", "json", *extra], cwd=repo,
                          env=env, capture_output=True, text=True, check=False, timeout=900)
    return time.perf_counter() - started, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    import json

    with tempfile.TemporaryDirectory() as temp:
        repo = _repository(args.corpus, Path(temp))
        cache = Path(temp) / "cache"
        rows = {}
        for label, extra, cold in (("scan (cold cache)", ("--no-cache",), True),
                                   ("scan --diff-base (cold cache)", ("--no-cache", "--diff-base", "main"), True),
                                   ("scan (warm cache)", (), False),
                                   ("scan --diff-base (warm cache)", ("--diff-base", "main"), False)):
            if not cold:
                _time(repo, cache, *extra)  # warm up
            runs = [_time(repo, cache, *extra) for _ in range(args.runs)]
            rows[label] = statistics.median(t for t, _ in runs)
            output = runs[-1][1]
        counts = json.loads(output).get("extras", {}).get("comparison", {}).get("counts")
        print(f"corpus: {args.corpus} ({sum(1 for _ in args.corpus.rglob('*.tf'))} .tf files), {args.runs} runs")
        for label, seconds in rows.items():
            print(f"  {label:<32} {seconds:6.2f} s")
        print(f"  classification: {counts}")


if __name__ == "__main__":
    main()
