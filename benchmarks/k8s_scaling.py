"""Evaluation time of N Kubernetes objects in one engine call: should grow linearly with N.

The objects are those of benchmarks/monitor_soak.py (real Deployments and a Service over 100 namespaces,
ServiceAccounts), plus one NetworkPolicy in ten objects, so that the relation policies (K8S-019
ServiceAccount, K8S-024 NetworkPolicy coverage) have something to look up. Prints, per N: seconds of the
whole bundle, of Gate.evaluate (engine and findings), ms per object, and the slowest policies alone.

    python benchmarks/k8s_scaling.py                    # N = 100, 400, 1600, 6400
    python benchmarks/k8s_scaling.py --sizes 100,1600 --policies 5
"""

from __future__ import annotations

import argparse
import copy
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from admission_reviews import as_stored, first_object
from monitor_soak import NAMESPACES, SERVICE, TEMPLATES


def objects(count: int) -> list[dict[str, Any]]:
    deployments = [first_object(path, "Deployment") for path in TEMPLATES]
    service = first_object(SERVICE)
    found = []
    for index in range(count):
        slot = index % 10
        if slot < 4:
            obj = copy.deepcopy(deployments[index % len(deployments)])
        elif slot < 7:
            obj = copy.deepcopy(service)
        elif slot < 9:
            obj = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {}, "automountServiceAccountToken": False}
        else:
            obj = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {},
                   "spec": {"podSelector": {"matchLabels": {"app": "x"}}}}
        obj["metadata"]["name"] = f"{obj['kind'].lower()}-{index}"
        found.append(as_stored(obj, f"team-{index % NAMESPACES:03d}"))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,400,1600,6400")
    parser.add_argument("--policies", type=int, default=3, help="slowest policies to show (evaluated alone)")
    args = parser.parse_args()
    from soc2gate.api import Gate, ScanOptions, kubernetes_resource
    from soc2gate.engine.input_doc import build_input
    from soc2gate.engine.regorus_engine import RegorusEngine, input_json

    gate = Gate.load(ScanOptions(use_cache=False))
    assert isinstance(gate.engine, RegorusEngine)
    engine = gate.engine
    engine.timeout_s = 600.0  # measure, do not stop: the default deadline would cut the largest sizes
    for size in (int(s) for s in args.sizes.split(",")):
        resources = [kubernetes_resource(o, f"bench/{i}") for i, o in enumerate(objects(size))]
        document = build_input(resources, gate.params())
        started = time.perf_counter()
        engine.evaluate(document)
        bundle = time.perf_counter() - started
        started = time.perf_counter()
        result = gate.evaluate(resources)
        whole = time.perf_counter() - started
        alone = []
        for policy in gate.policies:
            if policy.id.startswith("K8S-"):
                clone = engine._engine.clone()  # noqa: SLF001 - one policy's query on the prepared engine
                clone.set_input_json(input_json(document))
                started = time.perf_counter()
                clone.eval_query_as_json(f"data.{policy.package}.deny")
                alone.append((time.perf_counter() - started, policy.id))
        slowest = ", ".join(f"{pid} {s:.2f} s" for s, pid in sorted(alone, reverse=True)[:args.policies])
        print(f"N={size}: bundle {bundle:.2f} s, Gate.evaluate {whole:.2f} s ({1000 * whole / size:.2f} ms/object, "
              f"{len(result.findings)} findings); slowest alone: {slowest}", flush=True)


if __name__ == "__main__":
    main()
