"""Admission webhook abuse test: mixed sizes up to 3 MiB, worker kills and reloads under load.

    python benchmarks/webhook_abuse.py                            # 30 s, 8 clients
    python benchmarks/webhook_abuse.py --duration 30 --json benchmarks/results/webhook_abuse.json

Starts ``soc2gate webhook serve`` (full built-in policy pack, enforce, 2 workers, TLS) on
127.0.0.1 and keeps ``--clients`` keep-alive connections busy (closed loop) with a mix of
AdmissionReviews: real manifests from ../shared/corpora/real, and privileged Deployments
padded to 256 KiB, 1.1 MiB (an UPDATE: object and oldObject) and just under 3 MiB (the body
limit).  Meanwhile a random evaluation worker is SIGKILLed every ``--kill-every`` seconds and
the server is sent SIGHUP (a reload) every ``--reload-every`` seconds.

Reports per size class: answers, evaluated decisions, failure_mode answers (a request whose
worker was killed under it is answered per failure_mode: deny), errors, and latency
percentiles.  At the end it waits (bounded) until every worker is alive and ready, then
checks one request of each size is evaluated, and exits 1 if not.  Bounded: ``--duration``
at most 120 s, a 15 s timeout per request, loopback only; the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))

from admission_reviews import first_object, review  # noqa: E402
from webhook_harness import WebhookProcess, worker_pids  # noqa: E402
from webhook_load import CORPUS, Connection, review_bodies  # noqa: E402

PRIVILEGED = CORPUS / "kubernetes-goat/scenarios/health-check/deployment.yaml"
TIMEOUT_S = 15.0
MIB = 1024 * 1024
MIX = (("small", 0.80), ("256KiB", 0.10), ("1.1MiB-update", 0.07), ("3MiB", 0.03))


def padded(size: int) -> dict:
    obj = first_object(PRIVILEGED, "Deployment")
    obj["metadata"]["annotations"] = {"padding": "x" * max(0, size - len(json.dumps(obj)) - 200)}
    return obj


def big_body(kind: str) -> bytes:
    """A privileged Deployment of the size class (policy K8S-001 must deny it)."""
    if kind == "256KiB":
        document = review(padded(256 * 1024))
    elif kind == "1.1MiB-update":
        document = review(padded(int(0.55 * MIB)), operation="UPDATE", old=padded(int(0.55 * MIB)))
    else:
        document = review(padded(3 * MIB - 4096))
    body = json.dumps(document).encode()
    assert len(body) <= 3 * MIB, len(body)
    return body


async def client(port: int, ssl: object, bodies: dict, end: float, rng: random.Random, out: dict) -> None:
    connection = None
    while time.monotonic() < end:
        kind = rng.choices([k for k, _ in MIX], [w for _, w in MIX])[0]
        body = rng.choice(bodies["small"]) if kind == "small" else bodies[kind]
        stats = out.setdefault(kind, {"latencies": [], "evaluated": 0, "failure_mode": 0, "errors": []})
        started = time.perf_counter()
        try:
            if connection is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=ssl, server_hostname="127.0.0.1")
                connection = Connection(reader, writer)
            status, answer = await asyncio.wait_for(connection.post(body), TIMEOUT_S)
            response = json.loads(answer)["response"]
        except Exception as exc:  # noqa: BLE001 - counted and reported
            stats["errors"].append(type(exc).__name__)
            if connection is not None:
                connection.writer.close()
            connection = None
            continue
        stats["latencies"].append(time.perf_counter() - started)
        code = response.get("status", {}).get("code", 200)
        if status == 200 and code in (200, 403):
            stats["evaluated"] += 1
        elif status == 200 and code == 500:
            stats["failure_mode"] += 1
        else:
            stats["errors"].append(f"http {status} code {code}")
    if connection is not None:
        connection.writer.close()


async def chaos(server: WebhookProcess, end: float, kill_every: float, reload_every: float, rng: random.Random,
                log: dict) -> None:
    next_kill, next_reload = time.monotonic() + kill_every, time.monotonic() + reload_every
    while time.monotonic() < end:
        await asyncio.sleep(0.2)
        now = time.monotonic()
        if now >= next_kill:
            pids = worker_pids(server.process.pid)
            if pids:
                try:
                    os.kill(rng.choice(pids), signal.SIGKILL)
                    log["kills"] += 1
                except ProcessLookupError:
                    pass
            next_kill = now + kill_every
        if now >= next_reload:
            server.signal(signal.SIGHUP)
            log["reloads"] += 1
            next_reload = now + reload_every


def settle(server: WebhookProcess, workers: int, timeout: float = 120.0) -> dict:
    """Wait until exactly ``workers`` workers run and all report ready; the final state."""
    end, state = time.monotonic() + timeout, {}
    while time.monotonic() < end:
        metrics = server.get("/metrics")[1].decode()
        ready = next((float(line.split()[-1]) for line in metrics.splitlines()
                      if line.startswith("soc2gate_webhook_workers_ready ")), 0.0)
        state = {"processes": len(worker_pids(server.process.pid)), "ready": int(ready),
                 "readyz": server.get("/readyz")[0]}
        if state == {"processes": workers, "ready": workers, "readyz": 200}:
            break
        time.sleep(0.25)
    state["settled_after_s"] = round(timeout - (end - time.monotonic()), 1)
    return state


def internal_errors(server: WebhookProcess) -> dict[str, int]:
    """Requests answered per failure_mode, by reason (deadline: not evaluated in time; workers:
    the worker died under it)."""
    prefix = 'soc2gate_webhook_internal_errors_total{reason="'
    return {line[len(prefix):].split('"', 1)[0]: int(float(line.split()[-1]))
            for line in server.get("/metrics")[1].decode().splitlines() if line.startswith(prefix)}


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(p * len(values)))] * 1000, 1) if values else -1.0


def summary(out: dict, elapsed: float) -> dict:
    rows = {}
    for kind, stats in out.items():
        lat = stats["latencies"]
        rows[kind] = {"answers": len(lat), "evaluated": stats["evaluated"], "failure_mode": stats["failure_mode"],
                      "errors": len(stats["errors"]), "error_kinds": sorted(set(stats["errors"])),
                      "per_s": round(len(lat) / elapsed, 1), "p50_ms": percentile(lat, 0.5),
                      "p95_ms": percentile(lat, 0.95), "p99_ms": percentile(lat, 0.99), "max_ms": percentile(lat, 1.0)}
    return rows


async def load(server: WebhookProcess, bodies: dict, args: argparse.Namespace) -> tuple[dict, dict, float]:
    rng, out, log = random.Random(args.seed), {}, {"kills": 0, "reloads": 0}
    started = time.monotonic()
    end = started + args.duration
    ssl = server.certs.client_context()
    tasks = [client(server.port, ssl, bodies, end, random.Random(args.seed + i), out) for i in range(args.clients)]
    await asyncio.gather(chaos(server, end, args.kill_every, args.reload_every, rng, log), *tasks)
    return out, log, time.monotonic() - started


def final_check(server: WebhookProcess, bodies: dict) -> dict:
    """One request of each size after the storm: each must be evaluated (denied by K8S-001)."""
    checks = {}
    for kind in ("256KiB", "1.1MiB-update", "3MiB"):
        status, answer = server.post(bodies[kind])
        response = answer.get("response", {})
        checks[kind] = status == 200 and response.get("status", {}).get("code") == 403
    return checks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load (max 120)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent keep-alive clients (max 32)")
    parser.add_argument("--kill-every", type=float, default=3.0, help="seconds between worker kills")
    parser.add_argument("--reload-every", type=float, default=7.0, help="seconds between SIGHUP reloads")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--json", default=None, help="also write the results to this JSON file")
    args = parser.parse_args(argv)
    args.duration, args.clients = min(args.duration, 120.0), min(args.clients, 32)
    bodies = {"small": [b for _, b in review_bodies(200)], **{k: big_body(k) for k, _ in MIX[1:]}}
    with tempfile.TemporaryDirectory() as directory:
        config = Path(directory) / "c.yaml"
        config.write_text(json.dumps({"webhook": {"mode": "enforce", "workers": 2}}))
        server = WebhookProcess(Path(directory), config, args=("--log-level", "warning"))
        try:
            out, chaos_log, elapsed = asyncio.run(load(server, bodies, args))
            state = settle(server, 2)
            state["internal_errors"] = internal_errors(server)
            checks = final_check(server, bodies)
        finally:
            server.stop()
    rows = summary(out, elapsed)
    print(f"{'class':>14} {'answers':>7} {'eval':>6} {'f_mode':>6} {'err':>4} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>8}")
    for kind, r in rows.items():
        print(f"{kind:>14} {r['answers']:>7} {r['evaluated']:>6} {r['failure_mode']:>6} {r['errors']:>4} "
              f"{r['p50_ms']:>7} {r['p95_ms']:>7} {r['p99_ms']:>7} {r['max_ms']:>8}  {r['error_kinds']}")
    print(f"chaos: {chaos_log}; after: {state}; evaluated after the storm: {checks}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        machine = {"cpus": os.cpu_count(), "loadavg_at_end": os.getloadavg(), "shared": True}
        Path(args.json).write_text(json.dumps({"machine": machine, "duration_s": args.duration, "clients": args.clients,
                                               "chaos": chaos_log, "final_state": state, "final_checks": checks,
                                               "classes": rows}, indent=2) + "\n")
    healthy = state.get("processes") == 2 and state.get("ready") == 2 and state.get("readyz") == 200
    return 0 if healthy and all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
