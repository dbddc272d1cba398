"""Plan JSON and HCL must give the same verdict for the same configuration.

Over every terraform-compliance functional test that ships both the .tf files and the
`terraform show -json` plan made from them, scan each on its own and compare the
outcome of every (policy, resource address) present in both.  Inconclusive on either
side is not a disagreement (HCL often cannot know what the plan knows); fail vs pass is.

    python benchmarks/plan_vs_hcl.py [--shared ../shared] [--out benchmarks/results/plan_vs_hcl.md]
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from soc2gate.api import Gate, ScanOptions, scan
from soc2gate.model import Outcome

_INDEX = re.compile(r"\[[^\]]*\]")
DECIDED = (Outcome.PASS, Outcome.FAIL)


def outcomes(gate: Gate, paths: list[str]) -> dict[tuple[str, str], set[str]]:
    result = scan(ScanOptions(paths=tuple(paths), use_cache=False), gate=gate)
    found: dict[tuple[str, str], set[str]] = {}
    for finding in result.findings:
        if finding.outcome in DECIDED:
            found.setdefault((finding.policy_id, _INDEX.sub("", finding.resource)), set()).add(finding.outcome.value)
    return found


def compare(gate: Gate, directory: Path) -> list[str]:
    plan = directory / "plan.out.json"
    tf_files = sorted(str(p) for p in directory.glob("*.tf"))
    if not plan.is_file() or not tf_files:
        return []
    hcl, planned = outcomes(gate, tf_files), outcomes(gate, [str(plan)])
    problems = []
    for key in sorted(set(hcl) & set(planned)):
        if hcl[key] != planned[key]:
            problems.append(f"| {directory.name} | {key[0]} | {key[1]} | {'/'.join(sorted(hcl[key]))} | "
                            f"{'/'.join(sorted(planned[key]))} |")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared"))
    parser.add_argument("--out", default="benchmarks/results/plan_vs_hcl.md")
    args = parser.parse_args()
    root = Path(args.shared) / "corpora/tfplan/terraform-compliance/tests/functional"
    gate = Gate.load(ScanOptions())
    rows, compared = [], 0
    for directory in sorted(p for p in root.iterdir() if p.is_dir()):
        compared += (directory / "plan.out.json").is_file()
        rows.extend(compare(gate, directory))
    report = ["# Plan JSON vs HCL verdicts", "", f"{compared} configurations compared; {len(rows)} disagreements.", "",
              "| test | policy | resource | HCL | plan |", "| --- | --- | --- | --- | --- |", *rows]
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(report) + "\n")
    print(f"{compared} configurations compared; {len(rows)} disagreements (details: {args.out})")


if __name__ == "__main__":
    main()
