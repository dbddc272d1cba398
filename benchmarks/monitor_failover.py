"""Failover of `soc2gate monitor --leader-elect`: how long the cluster goes without a writing monitor.

The loopback list/watch server (tests/kube_watch_server.py) holds N objects (monitor_soak.seed). Monitor
processes run the real CLI with their own tokens and one file evidence ledger. Measured:

- cold start: a process started → its first full cycle's evidence record (list every kind, evaluate,
  write every report);
- failover after SIGTERM (the leader releases the Lease) and after SIGKILL (the Lease must expire):
  the leader stopped → the follower's first full cycle's evidence record. The follower had listed and
  watched already (warm cache), so this is lease hand-over + one evaluation.

    python benchmarks/monitor_failover.py                    # 1,000 objects, client-go's timings (15/10/2 s)
    python benchmarks/monitor_failover.py --objects 300 --json results/monitor_failover.json
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from monitor_soak import seed  # noqa: E402

from kube_watch_server import FakeApi, WatchServer  # noqa: E402
from soc2gate.api import verify_evidence  # noqa: E402


class Cluster:
    def __init__(self, directory: Path, objects: int, args: argparse.Namespace) -> None:
        self.directory, self.args = directory, args
        self.api = FakeApi()
        seed(self.api, objects)
        self.server = WatchServer(self.api, directory)
        self.ledger = directory / "ledger"

    def start(self, identity: str) -> subprocess.Popen:
        kubeconfig = self.server.kubeconfig_for(identity, self.directory / f"kubeconfig-{identity}")
        command = [sys.executable, "-c", "from soc2gate.cli import main; main()", "monitor", "--kubeconfig",
                   str(kubeconfig), "--debounce", "0", "--metrics-port", "0", "--evidence", str(self.ledger),
                   "--leader-elect", "--lease-namespace", "soc2gate-system", "--lease-identity", identity,
                   "--lease-duration", str(self.args.lease_duration), "--renew-deadline", str(self.args.renew_deadline),
                   "--retry-period", str(self.args.retry_period)]
        return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def records(self) -> int:
        exists = (self.ledger / "ledger.jsonl").exists()
        return verify_evidence(str(self.ledger)).chains["ledger"].records if exists else 0

    def until_records(self, count: int, timeout: float = 900.0) -> float:
        started = time.monotonic()
        while self.records() < count:
            if time.monotonic() - started > timeout:
                raise SystemExit(f"no evidence record #{count} within {timeout:g} s")
            time.sleep(0.1)
        return time.monotonic()

    def warm(self, identity: str, timeout: float = 300.0) -> None:
        """Wait until ``identity`` listed every kind and campaigns for the Lease (a warm follower)."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            with self.api.lock:
                paths = [path for token, _, path in self.api.calls if token == identity]
            if any("/leases/" in p for p in paths) and sum("/leases/" not in p for p in paths) >= 17:
                time.sleep(self.args.retry_period * 3)
                return
            time.sleep(0.2)
        raise SystemExit(f"{identity} did not list within {timeout:g} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=1000)
    parser.add_argument("--lease-duration", type=float, default=15.0)
    parser.add_argument("--renew-deadline", type=float, default=10.0)
    parser.add_argument("--retry-period", type=float, default=2.0)
    parser.add_argument("--json", default=None, help="also write the figures here")
    args = parser.parse_args()
    processes: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory() as directory:
        cluster = Cluster(Path(directory), args.objects, args)
        try:
            started = time.monotonic()
            processes.append(cluster.start("m1"))
            cold = cluster.until_records(1) - started
            term = _timed(cluster, processes, signal.SIGTERM, "m2", 2)
            kill = _timed(cluster, processes, signal.SIGKILL, "m3", 3)
        finally:
            for process in processes:
                process.kill()
                process.wait(timeout=30)
            cluster.server.close()
    figures = {"objects": args.objects,
               "lease": [args.lease_duration, args.renew_deadline, args.retry_period],
               "cold_start_s": round(cold, 1), "failover_sigterm_s": round(term, 1),
               "failover_sigkill_s": round(kill, 1)}
    print(json.dumps(figures, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")


def _timed(cluster: Cluster, processes: list[subprocess.Popen], how: signal.Signals, identity: str,
           count: int) -> float:
    """Start a follower, let it warm up, stop the leader (the previous process) with ``how``: seconds until
    the follower's first full cycle appended evidence record #``count``."""
    processes.append(cluster.start(identity))
    cluster.warm(identity)
    stopped = time.monotonic()
    processes[-2].send_signal(how)
    processes[-2].wait(timeout=60)
    return cluster.until_records(count) - stopped


if __name__ == "__main__":
    main()
