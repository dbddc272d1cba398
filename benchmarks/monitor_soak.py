"""Soak `soc2gate monitor`: N watched objects, a steady rate of changes, for a bounded time.

The loopback list/watch server (tests/kube_watch_server.py) runs in a child process holding N objects
generated from real manifests (Deployments, Services, ServiceAccounts over 100 namespaces); once the
monitor's first full cycle is done it modifies Deployments at --rate changes a second (each change flips a
container's `privileged`, so results change) and logs (resourceVersion, wall time) per change. This
process runs the Monitor, samples its RSS, and reports:

- RSS over time (should stay flat: memory follows objects, not events);
- lag: from a change written to the API server to the end of the first cycle (reports written) that
  evaluated it — median, p95, max; separately for the changes written while a full cycle ran (from its
  first evaluation to its end; a short --interval puts full cycles in the change stream) and the others.

    python benchmarks/monitor_soak.py                        # 10,000 objects, 50 changes/s, 60 s
    python benchmarks/monitor_soak.py --objects 2000 --duration 30 --json results/monitor_soak.json
    python benchmarks/monitor_soak.py --duration 90 --interval 20   # full cycles during the changes
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import gc
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

from admission_reviews import as_stored, first_object
from conftest import CORPORA

TEMPLATES = [CORPORA / "real/kubernetes-goat/scenarios/health-check/deployment.yaml",
             CORPORA / "real/kubernetes-examples/web/guestbook/frontend-deployment.yaml",
             CORPORA / "real/kubernetes-examples/web/guestbook/redis-master-deployment.yaml"]
SERVICE = CORPORA / "real/kubernetes-examples/web/guestbook/frontend-service.yaml"
NAMESPACES = 100


def seed(api: Any, count: int) -> list[tuple[str, str]]:
    """``count`` objects: 40 % Deployments, 30 % Services, 30 % ServiceAccounts; the Deployments' keys."""
    deployments = [first_object(path, "Deployment") for path in TEMPLATES]
    service = first_object(SERVICE)
    keys = []
    for index in range(count):
        namespace = f"team-{index % NAMESPACES:03d}"
        if index < NAMESPACES:
            api.put("v1", "namespaces", as_stored({"apiVersion": "v1", "kind": "Namespace",
                                                   "metadata": {"name": namespace}}, ""))
        slot = index % 10
        if slot < 4:
            obj = copy.deepcopy(deployments[index % len(deployments)])
            obj["metadata"]["name"] = f"app-{index}"
            api.put("apps/v1", "deployments", as_stored(obj, namespace))
            keys.append((namespace, f"app-{index}"))
        elif slot < 7:
            obj = copy.deepcopy(service)
            obj["metadata"]["name"] = f"svc-{index}"
            api.put("v1", "services", as_stored(obj, namespace))
        else:
            obj = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": f"sa-{index}"},
                   "automountServiceAccountToken": False}
            api.put("v1", "serviceaccounts", as_stored(obj, namespace))
    return keys


def serve(directory: str, count: int, rate: float, duration: float, ready: Any, go: Any) -> None:
    """The child: the loopback API server, then the changes (each logged as "rv wall-time")."""
    from kube_watch_server import FakeApi, WatchServer

    api = FakeApi()
    keys = seed(api, count)
    WatchServer(api, Path(directory))
    ready.set()
    go.wait()
    started, done = time.monotonic(), 0
    with open(Path(directory) / "changes.log", "w") as log:
        while time.monotonic() - started < duration:
            namespace, name = keys[done % len(keys)]
            with api.lock:
                current = copy.deepcopy(api.objects[("apps/v1", "deployments")][(namespace, name)])
            for container in current["spec"]["template"]["spec"]["containers"]:
                context = container.setdefault("securityContext", {})
                context["privileged"] = not context.get("privileged", False)
            stored = api.put("apps/v1", "deployments", current)
            log.write(f"{stored['metadata']['resourceVersion']} {time.time()}\n")
            log.flush()
            done += 1
            time.sleep(max(0.0, started + done / rate - time.monotonic()))
    api.clear_log()
    time.sleep(3600)  # until the parent terminates it


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run_monitor(directory: Path, args: argparse.Namespace, go: Any) -> dict[str, Any]:
    from soc2gate.api import Gate, ScanOptions
    from soc2gate.audit.cluster import ClusterTarget, connect
    from soc2gate.monitor.loop import CONNECTIONS, Monitor, MonitorSettings
    from soc2gate.monitor.metrics import MonitorMetrics
    from soc2gate.monitor.watcher import WatchSettings

    cycles: list[tuple[float, int, float]] = []  # (finished wall time, max Deployment rv evaluated, seconds)
    fulls: list[tuple[float, float, int]] = []  # full cycles: (began, ended: wall time, cycles it took)
    running_full: list[Any] = [None, 0]  # (began, cycles so far) of the full cycle under way

    profile = cProfile.Profile() if args.profile else None
    gc_pauses: list[tuple[int, float]] = []  # (generation, seconds) of the cyclic-GC passes once changes started
    gc_started = [0.0, 0.0]  # start of the pass; whether the changes started

    def gc_timer(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            gc_started[0] = time.perf_counter()
        elif gc_started[1]:
            gc_pauses.append((info["generation"], time.perf_counter() - gc_started[0]))

    gc.callbacks.append(gc_timer)

    class Measured(Monitor):
        def cycle(self, full: bool) -> Any:
            objects, _, _ = self.cache.snapshot()
            newest = max((int(o["metadata"]["resourceVersion"]) for o in objects.get("Deployment", [])), default=0)
            if profile is not None and cycles:  # the change cycles (the monitor's thread only)
                profile.enable()
            if full and running_full[0] is None:
                running_full[:] = [time.time(), 0]
            done = super().cycle(full)
            if profile is not None:
                profile.disable()
            cycles.append((time.time(), newest, done.seconds))
            running_full[1] += 1
            if done.full:  # ``cycle(full=True)`` is a whole full cycle, or its slices until one is ``full``
                fulls.append((running_full[0], time.time(), running_full[1]))
                running_full[:] = [None, 0]
            print(f"cycle: {done.seconds:.1f} s, engine {done.result.timings.get('engine_s', 0):.1f} s, "
                  f"{self.evaluator.evaluated} objects evaluated, writes {done.writes.replaced} replaced "
                  f"{done.writes.unchanged} unchanged", file=sys.stderr)
            return done

    cluster = connect(ClusterTarget(kubeconfig=str(directory / "kubeconfig"), connections=CONNECTIONS))
    settings = MonitorSettings(interval_s=args.interval, debounce_s=args.debounce, qps=0,
                               watch=WatchSettings(resync_s=3600, watch_timeout_s=300))
    monitor = Measured(cluster, lambda: Gate.load(ScanOptions(use_cache=False, config_path=args.config)),
                       settings, MonitorMetrics())
    thread = threading.Thread(target=monitor.run, daemon=True)
    started = time.monotonic()
    thread.start()
    while not cycles:
        time.sleep(0.2)
    first = time.monotonic() - started
    samples = [(0.0, rss_mb())]
    go.set()
    changes_started = gc_started[1] = time.monotonic()
    while time.monotonic() - changes_started < args.duration + args.drain:
        time.sleep(2)
        samples.append((round(time.monotonic() - changes_started, 1), rss_mb()))
    monitor.shutdown()
    thread.join(timeout=60)
    if running_full[0] is not None:  # still under way at the end
        fulls.append((running_full[0], time.time(), running_full[1]))
    if profile is not None:
        profile.dump_stats(args.profile)
    gc.callbacks.remove(gc_timer)
    full_gc = [seconds for generation, seconds in gc_pauses if generation == 2]
    print(f"cyclic GC once the changes started: {len(gc_pauses)} passes, {sum(s for _, s in gc_pauses):.2f} s; "
          f"generation 2: {len(full_gc)} passes, {sum(full_gc):.2f} s, longest {max(full_gc, default=0):.2f} s", file=sys.stderr)
    return {"first_cycle_s": round(first, 1), "rss_mb": samples, "cycles": cycles, "fulls": fulls[1:],
            "objects": monitor.cache.size(), "errors": sum(len(c.writes.errors) for c in monitor.history)}


def lags(directory: Path, cycles: list[tuple[float, int, float]],
         fulls: list[tuple[float, float, int]]) -> tuple[list[float], list[float]]:
    """Lags of the changes written while a full cycle ran, and of the others."""
    during: list[float] = []
    others: list[float] = []
    for line in (directory / "changes.log").read_text().splitlines():
        version, written = line.split()
        finished = next((t for t, newest, _ in cycles if newest >= int(version)), None)
        if finished is not None:
            inside = any(began <= float(written) <= ended for began, ended, _ in fulls)
            (during if inside else others).append(finished - float(written))
    return during, others


def spread(found: list[float], prefix: str) -> dict[str, Any]:
    return {f"{prefix}_median": round(statistics.median(found), 2) if found else None,
            f"{prefix}_p95": round(sorted(found)[max(0, int(len(found) * 0.95) - 1)], 2) if found else None,
            f"{prefix}_max": round(max(found), 2) if found else None, f"{prefix}_changes": len(found)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=50.0, help="changes per second")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of changes")
    parser.add_argument("--drain", type=float, default=20.0, help="seconds to keep measuring after the changes")
    parser.add_argument("--interval", type=float, default=600.0)
    parser.add_argument("--debounce", type=float, default=1.0)
    parser.add_argument("--config", default=None, help="soc2gate config (e.g. limits.eval_timeout_s)")
    parser.add_argument("--json", default=None, help="also write the figures here")
    parser.add_argument("--profile", default=None, help="write cProfile stats of the change cycles here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name)
        ready, go = multiprocessing.Event(), multiprocessing.Event()
        child = multiprocessing.Process(target=serve, args=(name, args.objects, args.rate, args.duration, ready, go),
                                        daemon=True)
        child.start()
        ready.wait(timeout=600)
        load = [round(os.getloadavg()[0], 2)]
        try:
            measured = run_monitor(directory, args, go)
        finally:
            child.terminate()
        load.append(round(os.getloadavg()[0], 2))
        during, others = lags(directory, measured["cycles"], measured["fulls"])
        made = len((directory / "changes.log").read_text().splitlines())
    report(args, measured, (during, others), made, load)


def report(args: argparse.Namespace, measured: dict[str, Any], split: tuple[list[float], list[float]], made: int,
           load: list[float]) -> None:
    found = split[0] + split[1]
    rss = [mb for _, mb in measured["rss_mb"]]
    seconds = [s for _, _, s in measured["cycles"]]
    figures = {
        "objects": measured["objects"], "changes": made, "changes_per_s": args.rate, "duration_s": args.duration,
        "first_full_cycle_s": measured["first_cycle_s"], "cycles": len(seconds),
        "cycle_s_median": round(statistics.median(seconds), 2), "cycle_s_max": round(max(seconds), 2),
        "rss_mb_start": round(rss[0], 1), "rss_mb_end": round(rss[-1], 1), "rss_mb_max": round(max(rss), 1),
        "lag_s_median": round(statistics.median(found), 2) if found else None,
        "lag_s_p95": round(sorted(found)[int(len(found) * 0.95) - 1], 2) if found else None,
        "lag_s_max": round(max(found), 2) if found else None,
        "changes_reflected": len(found), "write_errors": measured["errors"],
        "full_cycles_during_changes": [{"s": round(end - began, 1), "cycles": count}
                                       for began, end, count in measured["fulls"]],
        **spread(split[0], "lag_during_full_s"), **spread(split[1], "lag_between_full_s"),
        "load_1min_start_end": load,
        "rss_mb_over_time": measured["rss_mb"],
    }
    print(json.dumps({k: v for k, v in figures.items() if k != "rss_mb_over_time"}, indent=2))
    print("RSS MB over time (s after the changes started):",
          " ".join(f"{t:g}:{mb:.0f}" for t, mb in measured["rss_mb"]))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
