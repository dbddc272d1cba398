"""Memory and time of one input at its size bound, per kind (docs/security.md, "Memory and time bounds").

Each case runs in its own subprocess (so its peak RSS is its own) and reads one generated input at
the bound through the same reader the CLI uses (``collect_stdin``). Bounded: a handful of cases,
each under about a minute on two shared cores.

    python benchmarks/input_bounds.py            # every case
    python benchmarks/input_bounds.py hcl-literal yaml
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time

MiB = 1024 * 1024
CASES = ("hcl-literal", "hcl-resources", "yaml", "plan")


def _text(case: str, limit: int) -> str:
    if case == "hcl-literal":
        return 'resource "aws_s3_bucket" "b" {\n  bucket = "' + "a" * (limit - 60) + '"\n}\n'
    if case == "hcl-resources":
        one = 'resource "aws_s3_bucket" "b%d" {\n  bucket = "x%d"\n  acl    = "private"\n}\n'
        return "".join(one % (i, i) for i in range(limit // len(one % (99999, 99999))))
    if case == "yaml":
        one = "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c%d\n  labels: {a: b}\ndata:\n  k: v%d\n"
        return "".join(one % (i, i) for i in range(limit // len(one % (999999, 999999))))
    entry = ('{"address": "aws_s3_bucket.b%d", "mode": "managed", "type": "aws_s3_bucket", "name": "b%d", '
             '"values": {"bucket": "x%d", "acl": "private", "tags": {"a": "b"}}}')
    count = (limit - 200) // len(entry % (9999999, 9999999, 9999999))
    body = ",".join(entry % (i, i, i) for i in range(count))
    return ('{"format_version": "1.2", "terraform_version": "1.6.0", "planned_values": {"root_module": '
            '{"resources": [' + body + "]}}}")


def child(case: str) -> None:
    from soc2gate.parsers.collect import CollectOptions, collect_stdin
    from soc2gate.parsers.textio import DEFAULT_LIMIT, HCL_LIMIT, YAML_LIMIT

    kind, limit = {"hcl": ("terraform", HCL_LIMIT), "yaml": ("kubernetes", YAML_LIMIT),
                   "plan": ("plan", DEFAULT_LIMIT)}[case.split("-")[0]]
    data = _text(case, limit.max_bytes).encode()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    out = collect_stdin(data, kind, CollectOptions(use_cache=False))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"case": case, "bytes": len(data), "bound": limit.max_bytes, "resources": len(out.resources),
                      "errors": [f.policy_id for f in out.findings], "seconds": round(seconds, 1),
                      "rss_growth_mb": (peak - before) // 1024, "rss_peak_mb": peak // 1024}))


def main(cases: list[str]) -> None:
    for case in cases or CASES:
        run = subprocess.run([sys.executable, __file__, "--child", case], capture_output=True, text=True, timeout=300)
        print(run.stdout.strip() or f"{case}: failed: {run.stderr[-500:]}", flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2])
    else:
        main(sys.argv[1:])
