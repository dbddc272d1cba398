"""``soc2gate webhook serve``: the Kubernetes validating admission webhook (docs/webhook.md)."""

from __future__ import annotations

from pathlib import Path

import click


@click.group()
def command() -> None:
    """Kubernetes validating admission webhook."""


@command.command("serve")
@click.option("--tls-cert", default=None, help="PEM certificate (chain) the webhook serves.")
@click.option("--tls-key", default=None, help="PEM private key of --tls-cert.")
@click.option("--host", default="0.0.0.0", show_default=True, help="Address to listen on.")
@click.option("--port", default=8443, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on; 0 picks a free one (logged in the start event).")
@click.option("--mode", type=click.Choice(["enforce", "warn", "audit"]), default=None,
              help="Override webhook.mode of the configuration.")
@click.option("--insecure-http", is_flag=True, help="Serve plain HTTP (local testing only).")
@click.option("--config", "config_path", default=None, help="Configuration file (default: ./.soc2gate.yaml).")
@click.option("--policy-dir", "policy_dirs", multiple=True, help="Add a directory of policies (repeatable).")
@click.option("--graceful-timeout", default=25.0, show_default=True, type=click.FloatRange(0, 3600),
              help="Seconds requests in flight may take to finish after SIGTERM.")
@click.option("--log-level", default="info", show_default=True,
              type=click.Choice(["critical", "error", "warning", "info", "debug"]))
@click.pass_context
def serve(ctx: click.Context, tls_cert: str | None, tls_key: str | None, host: str, port: int, mode: str | None, insecure_http: bool,
          config_path: str | None, policy_dirs: tuple[str, ...], graceful_timeout: float, log_level: str) -> None:
    """Serve AdmissionReviews on https://HOST:PORT/validate (plus /healthz, /readyz, /metrics).

    SIGHUP reloads configuration, policies and the TLS certificate; SIGTERM drains.
    """
    from soc2gate.api import ScanOptions
    from soc2gate.webhook.server import ServeOptions, serve as run

    if insecure_http:
        click.echo("soc2gate: warning: serving plain HTTP (--insecure-http); the apiserver requires HTTPS", err=True)
    options = ServeOptions(
        scan=ScanOptions(config_path=config_path, policy_dirs=policy_dirs),
        host=host, port=port, tls_cert=tls_cert, tls_key=tls_key, insecure_http=insecure_http, mode=mode,
        graceful_timeout=graceful_timeout, log_level=log_level,
    )
    ctx.exit(run(options))


@command.command("certs")
@click.option("--output-dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write ca.crt, tls.crt, tls.key and cabundle.patch.yaml (the self-signed overlay).")
@click.option("--service", default="soc2gate-webhook", show_default=True, help="The webhook's Service name.")
@click.option("--namespace", default="soc2gate-system", show_default=True, help="The webhook's namespace.")
@click.option("--days", default=365, show_default=True, type=click.IntRange(1, 3650), help="Validity in days.")
def certs(output_dir: Path, service: str, namespace: str, days: int) -> None:
    """Generate a CA and a serving certificate for the webhook's Service (clusters without cert-manager)."""
    from soc2gate.webhook.certs import CertRequest, write

    request = CertRequest(output_dir=output_dir, service=service, namespace=namespace, days=days)
    for path in write(request):
        click.echo(f"wrote {path}")
    click.echo(f"serving certificate for {', '.join(request.dns_names())}, valid {days} days; "
               f"apply with: kubectl apply -k {output_dir}")
