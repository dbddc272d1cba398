"""``soc2gate monitor`` (and ``soc2gate audit --watch``, the same run): continuous controls monitoring of a
cluster (docs/monitoring.md). The options of the watch are declared once (``watch_options``) and the run
is one function (``run``), so both commands behave the same."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from soc2gate.api import Gate, ScanOptions, record_evidence
from soc2gate.audit.cluster import ClusterTarget, connect
from soc2gate.errors import ConfigError, UsageError
from soc2gate.monitor.leader import LeaseSettings, check, default_identity
from soc2gate.monitor.loop import CONNECTIONS, Monitor, MonitorSettings
from soc2gate.monitor.metrics import MonitorMetrics
from soc2gate.monitor.settings import LEASE_TIMINGS, Chosen, choose
from soc2gate.monitor.watcher import WatchSettings

POD_NAMESPACE = Path("/var/run/secrets/kubernetes.io/serviceaccount/namespace")

_WATCH_OPTIONS: list[Callable[[Any], Any]] = [
    click.option("--interval", default=600.0, show_default=True, type=click.FloatRange(5, 86400),
                 help="Seconds between full re-evaluations (each appends an evidence record)."),
    click.option("--resync", default=3600.0, show_default=True, type=click.FloatRange(10, 86400),
                 help="Seconds between full re-lists of each kind."),
    click.option("--debounce", default=1.0, show_default=True, type=click.FloatRange(0, 600),
                 help="Seconds a change waits before it is evaluated (later changes join the wait)."),
    click.option("--qps", default=5.0, show_default=True, type=click.FloatRange(0, 1000),
                 help="List and watch calls per second, all watched kinds together (0: unlimited)."),
    click.option("--watch-timeout", default=300, show_default=True, type=click.IntRange(1, 3600),
                 help="Seconds each watch request stays open before it is resumed."),
    click.option("--metrics-port", default=9090, show_default=True, type=click.IntRange(0, 65535),
                 help="Serve Prometheus metrics on this port (0: off)."),
    click.option("--server-side-apply/--no-server-side-apply", default=True, show_default=True,
                 help="Write reports by server-side apply; off: create, and replace with conflict retry."),
    click.option("--evidence", "evidence_url", default=None, envvar="SOC2GATE_EVIDENCE_URL",
                 help="Evidence store: one record per full cycle (or evidence.url)."),
    click.option("--evidence-key", default=None, help="Ed25519 private key that signs the evidence records."),
    click.option("--leader-elect", is_flag=True,
                 help="Elect a leader on a Lease (run more than one replica): only the leader writes."),
    click.option("--lease-name", default="soc2gate-monitor", show_default=True, help="The Lease's name."),
    click.option("--lease-namespace", default=None,
                 help="The Lease's namespace (default: the pod's own, else $POD_NAMESPACE, else default)."),
    click.option("--lease-identity", default=None, help="This replica's holder identity (default: $POD_NAME "
                 "or the hostname, with a random suffix)."),
    click.option("--lease-duration", default=15.0, show_default=True, type=click.FloatRange(1, 3600),
                 help="Seconds a leader that stopped renewing keeps the Lease."),
    click.option("--renew-deadline", default=10.0, show_default=True, type=click.FloatRange(0.5, 3600),
                 help="Seconds a leader keeps trying to renew before it steps down."),
    click.option("--retry-period", default=2.0, show_default=True, type=click.FloatRange(0.1, 600),
                 help="Seconds between attempts to acquire or renew the Lease."),
    click.option("--cycles", default=0, hidden=True, type=click.IntRange(0), help="Stop after N cycles (tests)."),
]


def watch_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options of a continuous run, for ``monitor`` and ``audit --watch``."""
    for option in reversed(_WATCH_OPTIONS):
        command = option(command)
    return command


def _named(**_: Any) -> None:
    """Only carries the watch options, to name them."""


# parameter name -> its option, e.g. evidence_url -> --evidence
WATCH_PARAMS = {p.name or "": p.opts[0] for p in getattr(watch_options(_named), "__click_params__", [])}


@click.command()
@click.option("--kubeconfig", default=None, help="kubeconfig file (default: $KUBECONFIG, then ~/.kube/config).")
@click.option("--context", default=None, help="kubeconfig context (default: the current context).")
@click.option("--in-cluster", is_flag=True, help="Use the pod's service account instead of a kubeconfig.")
@click.option("-n", "--namespace", default=None, help="Only this namespace.")
@click.option("--exclude-namespace", "exclude_namespaces", multiple=True, help="Namespace name or glob to skip.")
@click.option("--config", "config_path", default=None,
              help="Configuration file (default: ./.soc2gate.yaml); its monitor: section sets the options not given.")
@click.option("--policy-dir", "policy_dirs", multiple=True, help="Add a directory of policies (repeatable).")
@watch_options
def command(**options: Any) -> None:
    """Watch the cluster, write PolicyReports, export metrics, record evidence every full cycle."""
    run(options)


def run(options: dict[str, Any]) -> None:
    """One continuous run: connect, load the policies, watch until SIGTERM (or ``--cycles``). The options
    not given on the command line come from the configuration's ``monitor:`` section, if it sets them."""
    if options["in_cluster"] and (options["kubeconfig"] or options["context"]):
        raise UsageError("--in-cluster uses the pod's service account: do not combine it with --kubeconfig/--context")
    scan = ScanOptions(config_path=options["config_path"], policy_dirs=options["policy_dirs"])
    gate = Gate.load(scan)  # validates the configuration: a bad `monitor:` key is exit 2, naming its path
    given = _given(options)
    chosen = choose(gate.config.section("monitor"), options, given, gate.config.path)
    options = chosen.options
    target = ClusterTarget(kubeconfig=options["kubeconfig"], context=options["context"],
                           in_cluster=options["in_cluster"], namespace=options["namespace"],
                           page_size=options.get("page_size", 500), timeout=options.get("request_timeout", 30.0),
                           connections=CONNECTIONS)
    settings = _settings(chosen)
    metrics = MonitorMetrics()
    if options["metrics_port"]:
        metrics.serve(options["metrics_port"])
    record = chosen.evidence_enabled or "evidence_url" in given

    def evidence(result: Any) -> None:
        receipt = record_evidence(result, scan, options["evidence_url"], options["evidence_key"],
                                  chain=chosen.evidence_chain) if record else None
        if receipt is not None:
            click.echo(f"soc2gate: evidence record #{receipt.seq} appended to {receipt.path}", err=True)

    monitor = Monitor(connect(target), gate, settings, metrics, evidence)
    signal.signal(signal.SIGTERM, lambda *_: monitor.stop.set())
    try:
        monitor.run()
    finally:
        monitor.shutdown()  # the leader releases its Lease: a follower takes over at once


def _given(options: dict[str, Any]) -> set[str]:
    """The options set on the command line or by their environment variable (they win over the file)."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return set(options)
    sources = (click.core.ParameterSource.COMMANDLINE, click.core.ParameterSource.ENVIRONMENT)
    return {name for name in options if ctx.get_parameter_source(name) in sources}


def _settings(chosen: Chosen) -> MonitorSettings:
    options = chosen.options
    watch = WatchSettings(resync_s=options["resync"], watch_timeout_s=options["watch_timeout"])
    return MonitorSettings(interval_s=options["interval"], debounce_s=options["debounce"], qps=options["qps"],
                           watch=watch, exclude_namespaces=tuple(options["exclude_namespaces"]),
                           cycles=options["cycles"], lease=_lease(chosen),
                           server_side_apply=options["server_side_apply"])


def _lease(chosen: Chosen) -> LeaseSettings | None:
    options = chosen.options
    if not options["leader_elect"]:
        return None
    lease = LeaseSettings(name=options["lease_name"], namespace=options["lease_namespace"] or _own_namespace(),
                          identity=options["lease_identity"] or default_identity(),
                          lease_duration_s=options["lease_duration"], renew_deadline_s=options["renew_deadline"],
                          retry_period_s=options["retry_period"])
    try:
        check(lease)
    except ValueError as exc:
        where = chosen.where(LEASE_TIMINGS, "--leader-elect")
        raise (ConfigError if where != "--leader-elect" else UsageError)(f"{where}: {exc}") from None
    return lease


def _own_namespace() -> str:
    """The pod's namespace (mounted with its token), else $POD_NAMESPACE, else ``default``."""
    try:
        return POD_NAMESPACE.read_text().strip() or "default"
    except OSError:
        return os.environ.get("POD_NAMESPACE") or "default"
