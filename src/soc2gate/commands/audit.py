"""``soc2gate audit``: evaluate a live cluster's objects with the gate's policies (docs/audit.md);
``--watch`` keeps watching: the same run as ``soc2gate monitor`` (docs/monitoring.md)."""

from __future__ import annotations

from typing import Any

import click

from soc2gate import api
from soc2gate.audit.cluster import ClusterTarget
from soc2gate.audit.run import AuditOptions, audit
from soc2gate.commands import monitor
from soc2gate.commands.output import FORMAT_CHOICE, output_targets, write_reports
from soc2gate.errors import UsageError


@click.command()
@click.option("--kubeconfig", default=None, help="kubeconfig file (default: $KUBECONFIG, then ~/.kube/config).")
@click.option("--context", default=None, help="kubeconfig context (default: the current context).")
@click.option("--in-cluster", is_flag=True, help="Use the pod's service account instead of a kubeconfig.")
@click.option("-n", "--namespace", default=None, help="Only this namespace (cluster-scoped kinds are then skipped).")
@click.option("--exclude-namespace", "exclude_namespaces", multiple=True,
              help="Namespace name or glob not to evaluate (repeatable); reported as skipped.")
@click.option("--page-size", default=500, show_default=True, type=click.IntRange(1, 10000),
              help="Objects per list request (continue tokens fetch the rest).")
@click.option("--request-timeout", default=30.0, show_default=True, type=click.FloatRange(1, 600),
              help="Seconds per API request.")
@click.option("--format", "formats", multiple=True, type=FORMAT_CHOICE, help="Output format (repeatable).")
@click.option("--output", "outputs", multiple=True, help="File for the format in the same position (repeatable).")
@click.option("--config", "config_path", default=None, help="Configuration file (default: ./.soc2gate.yaml).")
@click.option("--policy-dir", "policy_dirs", multiple=True, help="Add a directory of policies (repeatable).")
@click.option("--controls", default="", help="Only policies evidencing these criteria, e.g. CC6.1,CC6.6.")
@click.option("--fail-on", type=click.Choice(api.SEVERITIES), default=None)
@click.option("--strict", is_flag=True, default=None, help="Inconclusive outcomes fail the audit.")
@click.option("--watch", is_flag=True, help="Keep watching, like `soc2gate monitor` (the options below).")
@monitor.watch_options
@click.pass_context
def command(ctx: click.Context, formats: tuple[str, ...], outputs: tuple[str, ...], **options: Any) -> None:
    """List workloads, RBAC, NetworkPolicies, Ingresses and Services and evaluate them."""
    if options["in_cluster"] and (options["kubeconfig"] or options["context"]):
        raise UsageError("--in-cluster uses the pod's service account: do not combine it with --kubeconfig/--context")
    if options["watch"]:
        _one_shot_only(ctx, formats, outputs)
        return monitor.run(options)
    _watch_only(ctx)
    targets = output_targets(formats, outputs)
    target = ClusterTarget(kubeconfig=options["kubeconfig"], context=options["context"],
                           in_cluster=options["in_cluster"],
                           namespace=options["namespace"], page_size=options["page_size"],
                           timeout=options["request_timeout"])
    scan = api.ScanOptions(config_path=options["config_path"], policy_dirs=options["policy_dirs"],
                       controls=tuple(c.strip() for c in options["controls"].split(",") if c.strip()),
                       fail_on=options["fail_on"], strict=options["strict"])
    result = audit(AuditOptions(target, scan, tuple(options["exclude_namespaces"])))
    write_reports(result, targets)
    ctx.exit(result.exit_code)


def _one_shot_only(ctx: click.Context, formats: tuple[str, ...], outputs: tuple[str, ...]) -> None:
    """--watch writes PolicyReports into the cluster: the options of a one-shot report do not apply."""
    given = [f"--{name.replace('_', '-')}" for name in ("controls", "fail_on", "strict")
             if ctx.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE]
    given += ["--format"] * bool(formats) + ["--output"] * bool(outputs)
    if given:
        raise UsageError(f"audit --watch writes PolicyReports to the cluster, as `soc2gate monitor` does: "
                         f"{', '.join(given)} apply to a one-shot audit only")


def _watch_only(ctx: click.Context) -> None:
    """The options of a continuous run, given without --watch, would be ignored: refused."""
    given = [option for name, option in monitor.WATCH_PARAMS.items()
             if ctx.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE]
    if given:
        raise UsageError(f"{', '.join(sorted(given))}: only with --watch (a continuous audit, as `soc2gate monitor`)")
