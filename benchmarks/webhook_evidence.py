"""What webhook evidence batches cost: counting one decision on the event loop, the size of a
batch record, and appending it to a folder ledger (in the evidence thread).

    python benchmarks/webhook_evidence.py [--decisions 100000] [--namespaces 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from soc2gate.evidence.admission import append_batch, build_batch_record  # noqa: E402
from soc2gate.evidence.chain import canonical  # noqa: E402
from soc2gate.evidence.store import StoreOptions  # noqa: E402
from soc2gate.webhook.batches import Batch  # noqa: E402

CONTROLS = {f"K8S-{n:03d}": ("CC6.1", "CC6.8") if n % 2 else ("CC7.2",) for n in range(1, 40)}


def lines(count: int, namespaces: int) -> list[dict]:
    outcomes = ("allowed", "allowed", "allowed", "warned", "denied", "excluded")
    return [{"ts": f"2026-03-02T08:00:{i % 60:02d}.000Z", "decision": outcomes[i % len(outcomes)],
             "operation": "CREATE" if i % 3 else "UPDATE", "kind": ("Deployment", "Pod", "Service")[i % 3],
             "namespace": f"team-{i % namespaces}", "dry_run": i % 50 == 0,
             "denied": [f"K8S-{1 + i % 39:03d}"] if outcomes[i % len(outcomes)] == "denied" else [],
             "warned": ["K8S-007"] if outcomes[i % len(outcomes)] == "warned" else [],
             "bundle_digest": "sha256:" + "a" * 64, "config_digest": "sha256:" + "b" * 64, "generation": 1}
            for i in range(count)]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--decisions", type=int, default=100_000)
    parser.add_argument("--namespaces", type=int, default=200)
    parser.add_argument("--appends", type=int, default=50)
    args = parser.parse_args()
    decisions = lines(min(args.decisions, 1_000_000), args.namespaces)
    batch = Batch("2026-03-02T08:00:00.000Z")
    started = time.perf_counter()
    for line in decisions:
        batch.add(line, CONTROLS)
    per_decision = (time.perf_counter() - started) / len(decisions)
    body = build_batch_record(batch.summary(), str(uuid.uuid4()), batch.opened, "2026-03-02T08:05:00.000Z",
                              interval_s=300, chain="webhook/bench", source={"namespace": "bench", "host": "h"},
                              version="bench", mode="enforce")
    with tempfile.TemporaryDirectory() as directory:
        times = []
        for _ in range(min(args.appends, 500)):
            started = time.perf_counter()
            append_batch(body, directory, StoreOptions(), None, "webhook/bench")
            times.append(time.perf_counter() - started)
    times.sort()
    print(f"count one decision: {per_decision * 1e6:.2f} us (over {len(decisions)} decisions, "
          f"{args.namespaces} namespaces)")
    print(f"batch record: {len(canonical(body))} bytes")
    print(f"append to a folder ledger: p50 {statistics.median(times) * 1000:.2f} ms, "
          f"p99 {times[int(len(times) * 0.99) - 1] * 1000:.2f} ms (n={len(times)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
