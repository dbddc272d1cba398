"""``soc2gate monitor``: continuous controls monitoring of a cluster (docs/monitoring.md)."""

from __future__ import annotations

import signal
from typing import Any

import click


@click.command()
@click.option("--kubeconfig", default=None, help="kubeconfig file (default: $KUBECONFIG, then ~/.kube/config).")
@click.option("--context", default=None, help="kubeconfig context (default: the current context).")
@click.option("--in-cluster", is_flag=True, help="Use the pod's service account instead of a kubeconfig.")
@click.option("-n", "--namespace", default=None, help="Only this namespace.")
@click.option("--exclude-namespace", "exclude_namespaces", multiple=True, help="Namespace name or glob to skip.")
@click.option("--interval", default=600.0, show_default=True, type=click.FloatRange(5, 86400),
              help="Seconds between full re-evaluations (each appends an evidence record).")
@click.option("--resync", default=3600.0, show_default=True, type=click.FloatRange(10, 86400),
              help="Seconds between full re-lists of each kind.")
@click.option("--debounce", default=2.0, show_default=True, type=click.FloatRange(0, 600),
              help="Seconds to wait after a change before re-evaluating.")
@click.option("--qps", default=5.0, show_default=True, type=click.FloatRange(0, 1000),
              help="List and watch calls per second, all watched kinds together (0: unlimited).")
@click.option("--watch-timeout", default=300, show_default=True, type=click.IntRange(1, 3600),
              help="Seconds each watch request stays open before it is resumed.")
@click.option("--metrics-port", default=9090, show_default=True, type=click.IntRange(0, 65535),
              help="Serve Prometheus metrics on this port (0: off).")
@click.option("--config", "config_path", default=None, help="Configuration file (default: ./.soc2gate.yaml).")
@click.option("--policy-dir", "policy_dirs", multiple=True, help="Add a directory of policies (repeatable).")
@click.option("--evidence", "evidence_url", default=None, envvar="SOC2GATE_EVIDENCE_URL",
              help="Evidence store: one record per full cycle (or evidence.url).")
@click.option("--evidence-key", default=None, help="Ed25519 private key that signs the evidence records.")
@click.option("--cycles", default=0, hidden=True, type=click.IntRange(0), help="Stop after N cycles (tests).")
def command(**options: Any) -> None:
    """Watch the cluster, write PolicyReports, export metrics, record evidence every full cycle."""
    from soc2gate.api import Gate, ScanOptions, record_evidence
    from soc2gate.audit.cluster import ClusterTarget, connect
    from soc2gate.monitor.loop import CONNECTIONS, Monitor, MonitorSettings
    from soc2gate.monitor.metrics import MonitorMetrics
    from soc2gate.monitor.watcher import WatchSettings

    scan = ScanOptions(config_path=options["config_path"], policy_dirs=options["policy_dirs"])
    target = ClusterTarget(kubeconfig=options["kubeconfig"], context=options["context"],
                           in_cluster=options["in_cluster"], namespace=options["namespace"],
                           connections=CONNECTIONS)
    watch = WatchSettings(resync_s=options["resync"], watch_timeout_s=options["watch_timeout"])
    settings = MonitorSettings(interval_s=options["interval"], debounce_s=options["debounce"], qps=options["qps"],
                               watch=watch, exclude_namespaces=tuple(options["exclude_namespaces"]),
                               cycles=options["cycles"])
    metrics = MonitorMetrics()
    if options["metrics_port"]:
        metrics.serve(options["metrics_port"])

    def evidence(result: Any) -> None:
        receipt = record_evidence(result, scan, options["evidence_url"], options["evidence_key"])
        if receipt is not None:
            click.echo(f"soc2gate: evidence record #{receipt.seq} appended to {receipt.path}", err=True)

    monitor = Monitor(connect(target), Gate.load(scan), settings, metrics, evidence)
    signal.signal(signal.SIGTERM, lambda *_: monitor.stop.set())
    try:
        monitor.run()
    finally:
        monitor.shutdown()
