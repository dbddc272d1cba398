"""Evidence stores measured: append latency (1 and 16 concurrent writers) and verify/report time over
many records, for the folder ledger and PostgreSQL (a real server started like tests/pg_server.py).

    python benchmarks/evidence_store.py [--records 100000] [--appends 200] [--output benchmarks/results/evidence_store.json]

Records are real: the record of a scan of examples/ (build_record), with run id, time and repository
varied. The bulk chain for verify/report is sealed in memory and loaded with the stores' own import
(`evidence copy`), so the verify and report figures are what an auditor's commands take.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from soc2gate.api import ScanOptions, scan  # noqa: E402
from soc2gate.evidence import EvidenceSettings, period_report, record_run, verify_store  # noqa: E402
from soc2gate.evidence.chain import GENESIS, canonical, seal  # noqa: E402
from soc2gate.evidence.record import build_record  # noqa: E402
from soc2gate.evidence.store import StoreOptions, open_store  # noqa: E402

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
PASSWORD_ENV = "SOC2GATE_BENCH_PG_PASSWORD"


def _result():
    return scan(ScanOptions(paths=(str(ROOT / "examples/terraform"),), use_cache=False))


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"n": len(ordered), "p50_ms": round(pick(0.5) * 1000, 2), "p99_ms": round(pick(0.99) * 1000, 2),
            "mean_ms": round(statistics.mean(ordered) * 1000, 2)}


def _writer(url: str, chain: str, count: int, queue: object, password: str) -> None:
    os.environ[PASSWORD_ENV] = password
    result = _result()
    settings = EvidenceSettings(url, chain=chain, store=StoreOptions(password_env=PASSWORD_ENV, lock_timeout=600))
    samples = []
    for index in range(count):
        started = time.perf_counter()
        record_run(result, settings, T0 + timedelta(minutes=index), {}, run_id=f"{chain}-{os.getpid()}-{index}")
        samples.append(time.perf_counter() - started)
    queue.put(samples)  # type: ignore[attr-defined]


def append_latency(url: str, writers: int, appends: int, password: str) -> dict[str, float]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    per = max(1, appends // writers)
    # folder ledger: one chain for everyone (one file); PostgreSQL: four chains, as four repositories
    processes = [context.Process(target=_writer, args=(url, f"repo-{w % 4}", per, queue, password))
                 for w in range(writers)]
    for process in processes:
        process.start()
    samples = [s for _ in processes for s in queue.get(timeout=1800)]
    for process in processes:
        process.join()
    return {"writers": writers, **_percentiles(samples)}


def bulk_lines(count: int, distinct: bool = False) -> list[bytes]:
    """``count`` sealed records of one repository, as CI writes them: every run its own commit, and the
    failures changing every 25 runs (one of 20 variants: each leaves out a different finding, so a
    finding is fixed and another reappears). With ``distinct`` every record's per-criterion figures
    differ too and its failures change every run (nothing for the reader to share)."""
    ci = {"provider": "github", "repo": "acme/infra", "branch": "main", "commit": "", "actor": "ci", "run_url": "",
          "run_id": ""}
    body = build_record(_result(), "bulk", T0, ci)
    failures = body["failures"]
    variants = [failures[:i] + failures[i + 1:] for i in range(min(20, len(failures)))] or [failures]
    lines, previous = [], GENESIS
    for index in range(count):
        run = {**body, "run_id": f"bulk-{index}", "time": (T0 + timedelta(minutes=index)).strftime("%Y-%m-%dT%H:%M:%SZ"),
               "ci": {**ci, "commit": f"{index:040x}", "run_id": str(index)}, "failures": variants[(index if distinct else index // 25) % len(variants)]}
        if distinct:
            run["controls"] = {cid: {**figures, "pass": figures.get("pass", 0) + index}
                               for cid, figures in body["controls"].items()}
        record = seal(run, index + 1, previous)
        previous = record["hash"]
        lines.append(canonical(record) + b"\n")
    return lines


def read_times(url: str, lines: list[bytes], options: StoreOptions) -> dict[str, float]:
    store = open_store(url, options)
    started = time.perf_counter()
    store.import_lines("acme/infra", lines)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    verified = verify_store(store)
    verify_s = time.perf_counter() - started
    store.close()
    assert verified.ok, verified.problems[:3]
    started = time.perf_counter()
    report = period_report(url, "2026-01-01", "2026-12-31", options=options)
    report_s = time.perf_counter() - started
    assert report["runs"] == len(lines)
    return {"records": len(lines), "bytes_per_record": round(sum(map(len, lines)) / len(lines)),
            "load_s": round(loaded, 2), "verify_s": round(verify_s, 2), "report_s": round(report_s, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--appends", type=int, default=200)
    parser.add_argument("--output", default=str(ROOT / "benchmarks/results/evidence_store.json"))
    parser.add_argument("--read-only", action="store_true", help="skip the append-latency runs")
    args = parser.parse_args()
    from pg_server import SUPERUSER_PASSWORD, _start

    server = _start()
    results: dict[str, object] = {"machine": f"{os.cpu_count()} cores", "date": time.strftime("%Y-%m-%d %H:%M UTC"),
                                  "load_average_at_start": round(os.getloadavg()[0], 1)}
    try:
        os.environ[PASSWORD_ENV] = SUPERUSER_PASSWORD
        options = StoreOptions(password_env=PASSWORD_ENV)
        lines = bulk_lines(args.records)
        with tempfile.TemporaryDirectory() as scratch:
            stores = {"folder": lambda name: str(Path(scratch) / name), "postgresql": lambda name: _database(server, name)}
            distinct = bulk_lines(args.records, distinct=True)
            for kind, make in stores.items():
                results[kind] = {} if args.read_only else {
                    "append_1_writer": append_latency(make("one"), 1, args.appends, SUPERUSER_PASSWORD),
                    "append_16_writers": append_latency(make("sixteen"), 16, args.appends * 4, SUPERUSER_PASSWORD)}
                results[kind]["read"] = read_times(make("bulk"), lines, options)
                results[kind]["read_distinct"] = read_times(make("distinct"), distinct, options)
                print(kind, json.dumps(results[kind]), flush=True)
    finally:
        server.run(str(server.bindir / "pg_ctl"), "-D", str(server.directory / "data"), "-m", "immediate", "stop")
    Path(args.output).write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.output}")


def _database(server, name: str) -> str:  # type: ignore[no-untyped-def]
    from soc2gate.evidence.admin import init_store

    database = server.create_database()
    url = server.migrator_url(database).replace(f":{os.environ[PASSWORD_ENV]}@", "@")
    init_store(url, PASSWORD_ENV)
    return url


if __name__ == "__main__":
    main()
