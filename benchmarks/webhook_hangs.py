"""What a hang costs the admission webhook: evaluation workers stopped while idle, TLS clients that
never send a ClientHello.

    python benchmarks/webhook_hangs.py
    python benchmarks/webhook_hangs.py --json benchmarks/results/webhook_hangs.json

Idle hangs: ``soc2gate webhook serve`` (full built-in pack, enforce, 2 workers, defaults
otherwise) on 127.0.0.1; each round SIGSTOPs every evaluation worker while no request is in
flight, leaves the server idle for ``--idle`` seconds (sporadic admission traffic), then sends
``--requests`` privileged Deployments one after another.  Counted: requests evaluated (denied
by K8S-001), requests answered per failure_mode (code 500: a stopped worker held them to the
deadline), seconds until every stopped worker is replaced while no request comes (-1: not
replaced in ``--idle`` s).  Run twice: with the liveness check
(defaults: every 5 s of idleness, answered within 1 s) and without it (``liveness_interval_s:
3600``, the earlier behaviour).

Handshakes: ``--silent`` TCP connections that never send a ClientHello are opened at once; while
they are open, ``--requests`` requests are answered; the seconds until each silent connection is
closed are reported (the bound is ``tls_handshake_timeout_s``, default 10 s).  Bounded: at most
3 rounds, 500 silent connections, 30 s per wait; the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))

from webhook_load import CORPUS  # noqa: E402

from admission_reviews import first_object, review  # noqa: E402
from webhook_harness import WebhookProcess, worker_pids  # noqa: E402

PRIVILEGED = CORPUS / "kubernetes-goat/scenarios/health-check/deployment.yaml"


def answers(server: WebhookProcess, count: int) -> dict[str, int]:
    """Send ``count`` privileged Deployments one after another; how each was answered."""
    out = {"evaluated": 0, "failure_mode": 0, "other": 0}
    for _ in range(count):
        status, answer = server.post(review(first_object(PRIVILEGED, "Deployment")))
        code = answer.get("response", {}).get("status", {}).get("code")
        out["evaluated" if status == 200 and code == 403 else "failure_mode" if code == 500 else "other"] += 1
    return out


def ready_workers(server: WebhookProcess, exclude: set[int], count: int, timeout: float = 30.0) -> float:
    """Seconds until ``count`` workers besides ``exclude`` run and /readyz is 200 (-1: not in time)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        fresh = [p for p in worker_pids(server.process.pid) if p not in exclude]
        if len(fresh) >= count and server.get("/readyz")[0] == 200:
            return round(time.monotonic() - started, 2)
        time.sleep(0.1)
    return -1.0


def hang_round(server: WebhookProcess, idle: float, requests: int) -> dict:
    ready_workers(server, set(), 2)
    stopped = set(worker_pids(server.process.pid))
    hung_at = time.monotonic()
    for pid in stopped:
        os.kill(pid, signal.SIGSTOP)
    replaced = ready_workers(server, stopped, 2, timeout=idle)  # while no request comes
    time.sleep(max(0.0, hung_at + idle - time.monotonic()))
    started = time.monotonic()
    counted: dict = {"replaced_while_idle_after_s": replaced, **answers(server, requests)}
    counted["requests_took_s"] = round(time.monotonic() - started, 2)
    for pid in stopped:  # those not found hung are still stopped: end them (the server replaces them)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return counted


def idle_hangs(directory: Path, liveness: bool, args: argparse.Namespace) -> list[dict]:
    webhook: dict = {"mode": "enforce", "workers": 2}
    if not liveness:
        webhook["liveness_interval_s"] = 3600
    config = directory / f"hangs-{liveness}.yaml"
    config.write_text(json.dumps({"webhook": webhook}))
    (directory / f"run-{liveness}").mkdir()
    server = WebhookProcess(directory / f"run-{liveness}", config, args=("--log-level", "warning"))
    try:
        return [hang_round(server, args.idle, args.requests) for _ in range(args.rounds)]
    finally:
        server.stop()


def handshakes(directory: Path, args: argparse.Namespace) -> dict:
    config = directory / "handshake.yaml"
    config.write_text(json.dumps({"webhook": {"mode": "enforce", "workers": 2}}))
    (directory / "handshake").mkdir()
    server = WebhookProcess(directory / "handshake", config, args=("--log-level", "warning"))
    try:
        opened = time.monotonic()
        silent = [socket.create_connection(("127.0.0.1", server.port), 10) for _ in range(args.silent)]
        served = answers(server, args.requests)
        closed = [_closed_after(sock, opened) for sock in silent]
    finally:
        server.stop()
    return {"silent": args.silent, "served_meanwhile": served, "closed_after_s": {
        "min": round(min(closed), 2), "median": round(statistics.median(closed), 2), "max": round(max(closed), 2)}}


def _closed_after(sock: socket.socket, opened: float) -> float:
    sock.settimeout(max(0.1, opened + 30 - time.monotonic()))
    try:
        sock.recv(1)
    except OSError:  # a reset, or still open after 30 s (counted as 30)
        pass
    finally:
        sock.close()
    return time.monotonic() - opened


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2, help="idle hangs per configuration (max 3)")
    parser.add_argument("--idle", type=float, default=8.0, help="seconds without requests after the hang")
    parser.add_argument("--requests", type=int, default=10, help="requests sent after each hang")
    parser.add_argument("--silent", type=int, default=200, help="connections without a ClientHello (max 500)")
    parser.add_argument("--json", default=None, help="also write the results to this JSON file")
    args = parser.parse_args(argv)
    args.rounds, args.silent = min(args.rounds, 3), min(args.silent, 500)
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name)
        results = {"with_liveness": idle_hangs(directory, True, args),
                   "without_liveness": idle_hangs(directory, False, args),
                   "handshakes": handshakes(directory, args)}
    print(json.dumps(results, indent=2))
    if args.json:
        machine = {"cpus": os.cpu_count(), "loadavg_at_end": os.getloadavg(), "shared": True}
        Path(args.json).write_text(json.dumps({"machine": machine, **results}, indent=2) + "\n")
    hung = any(r["failure_mode"] or r["replaced_while_idle_after_s"] < 0 for r in results["with_liveness"])
    return 1 if hung or results["handshakes"]["closed_after_s"]["max"] >= 30 else 0


if __name__ == "__main__":
    sys.exit(main())
