"""Cost of one PolicyReport write by the monitor's writer (monitor/reports.py) against the loopback API
server (tests/kube_watch_server.py, in a child process): wall time per write with the writer's threads,
and CPU per write in this process (client) and in the server's.

    python benchmarks/report_writes.py                 # 300 reports of ~45 KB (84 results), 3 rounds
    python benchmarks/report_writes.py --reports 1000 --results 20
"""

from __future__ import annotations

import argparse
import copy
import json
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))


def serve(directory: str, ready: Any, ask: Any, answer: Any) -> None:
    """The child: the loopback server; answers each request on ``ask`` with its CPU seconds so far."""
    from kube_watch_server import FakeApi, WatchServer

    WatchServer(FakeApi(), Path(directory))
    ready.set()
    while True:
        ask.get()
        answer.put(sum(os.times()[:2]))


def reports(count: int, results: int, failing: bool) -> list[dict[str, Any]]:
    entry = {"policy": "K8S-001", "source": "soc2gate", "category": "CC6.1, CC6.8", "severity": "high",
             "result": "pass", "scored": True, "message": 'container "app" runs privileged (securityContext) ' * 2,
             "properties": {"controls": "CC6.1,CC6.8", "outcome": "pass", "blocking": "false",
                            "resource": "Deployment/team/app-1"},
             "resources": [{"kind": "Deployment", "name": "app-1", "namespace": "team"}]}
    found = []
    for index in range(count):
        namespace = f"team-{index % 100:03d}"
        entries = [copy.deepcopy(entry) for _ in range(results)]
        entries[0]["result"] = "fail" if failing else "pass"
        found.append({"apiVersion": "wgpolicyk8s.io/v1alpha2", "kind": "PolicyReport",
                      "metadata": {"name": f"soc2gate-{namespace}-p{index}", "namespace": namespace,
                                   "labels": {"app.kubernetes.io/managed-by": "soc2gate"}},
                      "summary": {"pass": results - 1, "fail": 1, "warn": 0, "error": 0, "skip": 0},
                      "results": entries})
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=300)
    parser.add_argument("--results", type=int, default=84, help="results per report")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    directory = tempfile.mkdtemp()
    ready, ask, answer = multiprocessing.Event(), multiprocessing.Queue(), multiprocessing.Queue()
    multiprocessing.Process(target=serve, args=(directory, ready, ask, answer), daemon=True).start()
    ready.wait(timeout=60)
    from soc2gate.audit.cluster import ClusterTarget, connect
    from soc2gate.monitor.reports import ReportWriter

    writer = ReportWriter(connect(ClusterTarget(kubeconfig=f"{directory}/kubeconfig", connections=30)).api_client)
    first = reports(args.reports, args.results, False)
    print(f"{args.reports} reports of {len(json.dumps(first[0])) / 1024:.1f} KB; load average "
          f"{os.getloadavg()[0]:.2f}")
    writer.converge(first)
    for round_ in range(args.rounds):
        documents = reports(args.reports, args.results, round_ % 2 == 0)
        ask.put(0)
        server_before, client_before, started = answer.get(), sum(os.times()[:2]), time.perf_counter()
        stats = writer.converge(documents, full=False)
        wall, client = time.perf_counter() - started, sum(os.times()[:2]) - client_before
        ask.put(0)
        server = answer.get() - server_before
        print(f"round {round_ + 1}: {stats.replaced} written, {stats.errors[:1] or 'no errors'}: "
              f"{wall / args.reports * 1000:.1f} ms wall, client CPU {client / args.reports * 1000:.1f} ms, "
              f"server CPU {server / args.reports * 1000:.1f} ms per write")


if __name__ == "__main__":
    main()
