"""Admission webhook load test: realistic AdmissionReviews at fixed rates over loopback HTTPS.

    python benchmarks/webhook_load.py                       # 50, 200, 500 req/s, 15 s each
    python benchmarks/webhook_load.py --rates 200 --duration 30 --json results/webhook_load.json

Starts ``soc2gate webhook serve`` (full built-in policy pack, enforce mode, TLS with a CA made
here) on 127.0.0.1 and replays AdmissionReviews built from every plain manifest under
../shared/corpora/real (CREATE, and UPDATE with oldObject for one in five).  The load is
open-loop: request i is due at start + i/rate whatever happened before, and its latency is
measured from that due time, so a slow server cannot hide queueing (no coordinated omission).
Keep-alive connections, like the apiserver's.  Bounded: rate x duration requests per step, a
5 s timeout per request, loopback only; the server is stopped at the end.

Reports p50/p95/p99/max latency, throughput and errors per rate.  Target on the 2-core
reference machine: p99 <= 20 ms and no errors at 200 req/s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests"))

from admission_reviews import manifest_objects, review  # noqa: E402
from webhook_harness import WebhookProcess  # noqa: E402

CORPUS = Path(os.environ.get("SOC2GATE_SHARED", REPO.parent / "shared")) / "corpora" / "real"
TIMEOUT_S = 5.0


def review_bodies(limit: int, seed: int = 7) -> list[tuple[str, bytes]]:
    """(uid, body) pairs from the real manifests; templates and unparsable files are left out."""
    from soc2gate.parsers.kubernetes import looks_like_template

    objects = []
    for path in sorted(CORPUS.rglob("*.y*ml")):
        try:
            if looks_like_template(path.read_text(encoding="utf-8")):
                continue
            objects.extend(o for o in manifest_objects(path) if isinstance(o.get("metadata"), dict))
        except Exception:  # noqa: BLE001 - a corpus file that is not plain YAML is simply not used
            continue
    rng = random.Random(seed)
    rng.shuffle(objects)
    bodies = []
    for index, obj in enumerate(objects[:limit]):
        update = index % 5 == 0
        document = review(obj, operation="UPDATE" if update else "CREATE", old=obj if update else None,
                          namespace=f"team-{index % 7}")
        bodies.append((document["request"]["uid"], json.dumps(document).encode()))
    return bodies


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    async def post(self, body: bytes) -> tuple[int, bytes]:
        self.writer.write(b"POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                          b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length = next(int(line.split(":", 1)[1]) for line in lines if line.lower().startswith("content-length:"))
        return status, await self.reader.readexactly(length)


async def open_connections(server: WebhookProcess, count: int) -> asyncio.Queue:
    pool: asyncio.Queue = asyncio.Queue()
    for _ in range(count):
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port, ssl=server.certs.client_context(),
                                                       server_hostname="127.0.0.1")
        pool.put_nowait(Connection(reader, writer))
    return pool


async def one_request(pool: asyncio.Queue, uid: str, body: bytes, due: float, out: dict) -> None:
    connection = await pool.get()
    try:
        status, answer = await asyncio.wait_for(connection.post(body), TIMEOUT_S)
        response = json.loads(answer)["response"]
        if status != 200 or response["uid"] != uid:
            out["errors"].append(f"status {status}")
        else:
            out["latencies"].append(time.perf_counter() - due)
            key = "allowed" if response["allowed"] else "denied"
            out["decisions"][key] = out["decisions"].get(key, 0) + 1
    except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
        out["errors"].append(type(exc).__name__)
        connection.writer.close()
        reader, writer = await asyncio.open_connection("127.0.0.1", out["port"], ssl=out["ssl"],
                                                       server_hostname="127.0.0.1")
        connection = Connection(reader, writer)
    finally:
        pool.put_nowait(connection)


async def run_rate(server: WebhookProcess, bodies: list[tuple[str, bytes]], rate: float, duration: float,
                   connections: int) -> dict:
    pool = await open_connections(server, connections)
    out: dict = {"latencies": [], "errors": [], "decisions": {}, "port": server.port,
                 "ssl": server.certs.client_context()}
    total = int(rate * duration)
    start = time.perf_counter() + 0.05
    tasks = []
    for index in range(total):
        due = start + index / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        uid, body = bodies[index % len(bodies)]
        body = body.replace(uid.encode(), f"{uid[:24]}{index:012d}".encode())
        tasks.append(asyncio.create_task(one_request(pool, f"{uid[:24]}{index:012d}", body, due, out)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    while not pool.empty():
        pool.get_nowait().writer.close()
    return summarize(rate, total, elapsed, out)


def summarize(rate: float, total: int, elapsed: float, out: dict) -> dict:
    latencies = sorted(out["latencies"])

    def percentile(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 2) if latencies else -1.0

    return {"rate": rate, "requests": total, "completed": len(latencies), "errors": len(out["errors"]),
            "error_kinds": sorted(set(out["errors"])), "throughput": round(len(latencies) / elapsed, 1),
            "p50_ms": percentile(0.50), "p95_ms": percentile(0.95), "p99_ms": percentile(0.99),
            "max_ms": round(latencies[-1] * 1000, 2) if latencies else -1.0,
            "mean_ms": round(statistics.fmean(latencies) * 1000, 2) if latencies else -1.0,
            "decisions": out["decisions"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rates", default="50,200,500", help="comma-separated request rates (req/s)")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per rate (max 60)")
    parser.add_argument("--connections", type=int, default=16, help="keep-alive connections (max 64)")
    parser.add_argument("--bodies", type=int, default=400, help="distinct AdmissionReviews to replay")
    parser.add_argument("--json", default=None, help="also write the results to this JSON file")
    args = parser.parse_args(argv)
    duration, connections = min(args.duration, 60.0), min(args.connections, 64)
    bodies = review_bodies(args.bodies)
    sizes = sorted(len(b) for _, b in bodies)
    print(f"{len(bodies)} AdmissionReviews from {CORPUS}; body bytes median {sizes[len(sizes) // 2]}, max {sizes[-1]}")
    with tempfile.TemporaryDirectory() as directory:
        server = WebhookProcess(Path(directory), args=("--log-level", "warning"))
        try:
            results = asyncio.run(_all(server, bodies, [float(r) for r in args.rates.split(",")], duration, connections))
        finally:
            server.stop()
    print(f"{'rate':>6} {'sent':>6} {'ok':>6} {'err':>4} {'thru/s':>7} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>8}"
          "  (ms, client-side)  server-side")
    for r in results:
        print(f"{r['rate']:>6.0f} {r['requests']:>6} {r['completed']:>6} {r['errors']:>4} {r['throughput']:>7} "
              f"{r['p50_ms']:>7} {r['p95_ms']:>7} {r['p99_ms']:>7} {r['max_ms']:>8}  {r['server_side']} "
              f"{r['decisions']} {r['error_kinds']}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        machine = {"cpus": os.cpu_count(), "loadavg_at_end": os.getloadavg()}
        Path(args.json).write_text(json.dumps({"machine": machine, "duration_s": duration,
                                               "connections": connections, "results": results}, indent=2) + "\n")
    return 0


async def _all(server: WebhookProcess, bodies: list[tuple[str, bytes]], rates: list[float], duration: float,
               connections: int) -> list[dict]:
    await run_rate(server, bodies, 20.0, 2.0, 4)  # warm-up, not reported
    results = []
    for rate in rates:
        before = server_buckets(server)
        result = await run_rate(server, bodies, rate, duration, connections)
        after = server_buckets(server)
        result["server_side"] = bucket_summary({le: after[le] - before.get(le, 0) for le in after})
        results.append(result)
    return results


def server_buckets(server: WebhookProcess) -> dict[float, float]:
    """Cumulative counts of the server's own latency histogram, summed over decisions."""
    totals: dict[float, float] = {}
    for line in server.get("/metrics")[1].decode().splitlines():
        if line.startswith("soc2gate_webhook_request_duration_seconds_bucket{"):
            le = line.split('le="', 1)[1].split('"', 1)[0]
            bound = float("inf") if le == "+Inf" else float(le)
            totals[bound] = totals.get(bound, 0.0) + float(line.rsplit(" ", 1)[1])
    return totals


def bucket_summary(delta: dict[float, float]) -> dict:
    """Server-measured latency (request received to answer sent): share within 10/20 ms, p99 bucket."""
    total = delta.get(float("inf"), 0.0)
    if not total:
        return {}
    p99 = min(le for le, count in delta.items() if count >= 0.99 * total)
    return {"within_10ms": round(delta.get(0.01, 0) / total, 4), "within_20ms": round(delta.get(0.02, 0) / total, 4),
            "p99_at_most_ms": p99 * 1000}


if __name__ == "__main__":
    sys.exit(main())
