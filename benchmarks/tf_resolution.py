"""How much of real Terraform soc2gate resolves: per corpus, resources, findings by outcome, and the
inconclusive findings grouped by what made them inconclusive.

    python benchmarks/tf_resolution.py                   # print the table
    python benchmarks/tf_resolution.py --record after    # also store the figures under "after"
    python benchmarks/tf_resolution.py --show 'function '   # list the expressions of matching groups

Each folder of ``../shared/corpora/real`` with Terraform (the terraform-aws-* modules with their
``examples/``, which call the module with ``source = "../../"``, and terragoat) is scanned through
``soc2gate.api`` (Gate.evaluate over the collected resources, every criteria category in scope).
An inconclusive finding's reason is the first cause found in its unknown expression: a function
soc2gate does not evaluate, a data source or resource attribute, a module output, a variable
without a value, ``count``/``for_each`` instances, a splat.  Figures go to
``results/tf_resolution.json`` (``--record before|after``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from accuracy_kics import SHARED, load_gate  # noqa: E402

REAL = SHARED / "corpora" / "real"
CORPORA = ("terraform-aws-eks", "terraform-aws-iam", "terraform-aws-rds", "terraform-aws-s3-bucket",
           "terraform-aws-vpc", "terragoat")
RESULTS = HERE / "results" / "tf_resolution.json"
_CALL = re.compile(r"\b([a-z][a-z0-9_]*)\s*\(")
_REF = re.compile(r"\b(data\.[\w-]+\.[\w-]+|module\.[\w-]+|var\.[\w-]+|local\.[\w-]+|each\.\w+|count\.index"
                  r"|self\.\w+|path\.\w+|terraform\.\w+|[a-z][a-z0-9]*_[\w-]+\.[\w-]+)")


def reason(expression: str, instances: str, known_functions: frozenset[str], directory: str = "") -> str:
    """The group an inconclusive finding belongs to (its first recognisable cause; a local is
    followed to its definition in the finding's directory)."""
    if instances and expression == instances:
        expression = instances.split("=", 1)[-1]
    for _ in range(6):
        name = _only_local(expression, known_functions)
        definition = _locals(directory).get(name) if name else None
        if definition is None:
            break
        expression = definition
    return _cause(expression, known_functions)


def _only_local(text: str, known_functions: frozenset[str]) -> str | None:
    """The first local a text refers to when nothing else in it explains the unknown."""
    cause = _cause(text, known_functions)
    refs = [r for r in _REF.findall(text) if r.startswith("local.")]
    return refs[0][len("local."):] if cause == "local (unresolved)" and refs else None


@lru_cache(maxsize=256)
def _locals(directory: str) -> dict[str, str]:
    """Raw text of every local defined in a directory's .tf files."""
    import hcl2

    found: dict[str, str] = {}
    for path in sorted(Path(directory).glob("*.tf")) if directory else ():
        try:
            parsed = hcl2.loads(path.read_text(encoding="utf-8"))
        except Exception:  # noqa: BLE001 - a benchmark: an unreadable file just explains nothing
            continue
        for block in parsed.get("locals", []):
            found.update({k: json.dumps(v) if not isinstance(v, str) else v for k, v in block.items()})
    return found


def _cause(text: str, known_functions: frozenset[str]) -> str:
    for name in _CALL.findall(text):
        if name not in known_functions and name not in ("for", "if"):
            return f"function {name}()"
    if "[*]" in text or ".*." in text:
        return "splat"
    refs = _REF.findall(text)
    for prefix, label in (("data.", "data source attribute"), ("module.", "module output"),
                          ("each.", "each.* (instances unknown)"), ("count.", "count.index (instances unknown)"),
                          ("var.", "variable without a value"), ("local.", "local (unresolved)"),
                          ("self.", "self"), ("path.", "path.*"), ("terraform.", "terraform.*")):
        if any(ref.startswith(prefix) for ref in refs):
            return label
    if refs:
        return "resource attribute"
    if text.lstrip().startswith(("for ", "[for", "{for", "%{")) or "%{" in text:
        return "for expression / template directive"
    return "other: " + text[:60]


def measure(gate: Any, folder: Path) -> dict[str, Any]:
    from soc2gate.api import Gate  # noqa: F401  (the gate is the API's)
    from soc2gate.parsers.collect import CollectOptions, collect
    from soc2gate.parsers.hcl_functions import FUNCTIONS

    started = time.perf_counter()
    collected = collect([str(folder)], CollectOptions(use_cache=False))
    result = gate.evaluate(collected.resources, collected)
    by_address = {r.address: r for r in collected.resources if r.surface == "terraform"}
    outcomes: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    examples: dict[str, Counter[str]] = {}
    for finding in result.findings:
        if finding.policy_id == "SYS-003":
            outcomes["policy_error"] += 1  # a policy that crashed judges nothing: never hide it
        if not finding.policy_id.startswith("TF-"):
            continue
        outcomes[finding.outcome.value] += 1
        if finding.outcome.value == "inconclusive":
            resource = by_address.get(finding.resource)
            instances = str(resource.meta.get("instances_unknown") or "") if resource else ""
            group = reason(finding.unknown_expression, _redacted(instances), frozenset(FUNCTIONS),
                           str(Path(finding.span.file).parent) if finding.span else "")
            reasons[group] += 1
            examples.setdefault(group, Counter())[finding.unknown_expression[:160]] += 1
    resources = [r for r in by_address.values() if r.meta.get("kind") == "resource"]
    return {
        "resources": len(resources),
        "blocks_undecided": sum(1 for r in by_address.values() if r.meta.get("instances_unknown")),
        "instances_unknown": sum(1 for r in resources if r.meta.get("instances_unknown")),
        "unknown_attributes": sum(len(r.unknown) for r in resources),
        "findings": dict(sorted(outcomes.items())),
        "inconclusive_by_reason": dict(reasons.most_common()),
        "examples": {group: [e for e, _ in counter.most_common(5)] for group, counter in examples.items()},
        "seconds": round(time.perf_counter() - started, 2),
    }


def _redacted(expression: str) -> str:
    from soc2gate.engine.redaction import redact_literals

    return redact_literals(expression) if expression else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", choices=("before", "after"), help="store the figures in results/")
    parser.add_argument("--show", help="print the example expressions of groups containing this text")
    args = parser.parse_args(argv)
    gate = load_gate()
    figures = {name: measure(gate, REAL / name) for name in CORPORA if (REAL / name).is_dir()}
    print_table(figures, args.show)
    if args.record:
        stored = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
        stored[args.record] = {"measured": time.strftime("%Y-%m-%d"), "corpora": figures}
        RESULTS.write_text(json.dumps(stored, indent=1, sort_keys=True) + "\n")
    return 0


def print_table(figures: dict[str, dict[str, Any]], show: str | None) -> None:
    print(f"{'corpus':26} {'resources':>9} {'undecided':>9} {'pass':>6} {'fail':>6} {'inconcl':>8} {'errors':>6}")
    totals: Counter[str] = Counter()
    for name, f in figures.items():
        o = f["findings"]
        print(f"{name:26} {f['resources']:9} {f['blocks_undecided']:9} {o.get('pass', 0):6} "
              f"{o.get('fail', 0):6} {o.get('inconclusive', 0):8} {o.get('policy_error', 0):6}")
        totals.update(f["inconclusive_by_reason"])
    print("\ninconclusive by reason (all corpora):")
    for group, count in totals.most_common():
        print(f"  {count:5}  {group}")
        if show and show in group:
            for f in figures.values():
                for example in f["examples"].get(group, []):
                    print(f"           {example}")


if __name__ == "__main__":
    sys.exit(main())
