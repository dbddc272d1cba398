"""``soc2gate evidence init|verify|report|copy``: set up a store, prove it intact, summarize a period, move it."""

from __future__ import annotations

import json

import click


@click.group()
def command() -> None:
    """The tamper-evident evidence ledger (docs/evidence.md)."""


PASSWORD_ENV = click.option("--password-env", "password_env", default=None, metavar="NAME",
                            help="Read the PostgreSQL password from this environment variable "
                                 "(else PGPASSWORD or ~/.pgpass; never put it in the URL).")


@command.command("init")
@click.argument("url")
@PASSWORD_ENV
def init(url: str, password_env: str | None) -> None:
    """Create or migrate the schema of a PostgreSQL evidence store (postgresql://…)."""
    from soc2gate import api
    from soc2gate.evidence.store import redact

    applied, version = api.init_evidence(url, password_env)
    done = f"applied migration(s) {', '.join(map(str, applied))}" if applied else "already up to date"
    click.echo(f"{redact(url)}: evidence schema version {version} ({done})")


@command.command("copy")
@click.argument("source")
@click.argument("target")
@click.option("--chain", default=None, help="Name of the chain in TARGET (default: the source chain's name).")
@click.option("--public-key", default=None, help="Ed25519 public key (PEM): SOURCE's signatures must verify.")
@PASSWORD_ENV
def copy(source: str, target: str, chain: str | None, public_key: str | None, password_env: str | None) -> None:
    """Copy a verified store into another (folder ledger <-> PostgreSQL), keeping every hash."""
    from soc2gate import api
    from soc2gate.evidence.store import redact

    for name, count in api.copy_evidence(source, target, chain, public_key, password_env).items():
        click.echo(f"copied {count} record(s) into chain {name!r} of {redact(target)}")


@command.command("verify")
@click.argument("directory", metavar="STORE")
@click.option("--public-key", default=None, help="Ed25519 public key (PEM); every record must carry a valid signature.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--config", "config_path", default=None, help="Configuration file (evidence.public_key).")
@PASSWORD_ENV
@click.pass_context
def verify(ctx: click.Context, directory: str, public_key: str | None, fmt: str, config_path: str | None,
           password_env: str | None) -> None:
    """Detect modified, reordered, inserted or deleted records and torn writes (exit 1).

    STORE is a ledger folder (or file:DIR) or a PostgreSQL URL; every chain is verified.
    """
    from soc2gate import api
    from soc2gate.evidence.store import render_verification

    report = api.verify_evidence(directory, public_key, config_path, password_env)
    click.echo(json.dumps(report.as_dict(), indent=2) if fmt == "json" else render_verification(report),
               nl=fmt == "json")
    ctx.exit(0 if report.ok else 1)


@command.command("report")
@click.argument("directory", metavar="STORE")
@click.option("--from", "start", default=None, help="First day (YYYY-MM-DD, UTC) or ISO 8601 timestamp.")
@click.option("--to", "end", default=None, help="Last day (YYYY-MM-DD, UTC, inclusive) or ISO 8601 timestamp.")
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown")
@click.option("--output", default=None, help="Write the report to this file instead of standard output.")
@click.option("--branch", default=None, help="Only runs on this branch.")
@click.option("--repo", default=None, help="Only runs of this repository.")
@click.option("--public-key", default=None, help="Ed25519 public key (PEM) to check signatures with.")
@click.option("--config", "config_path", default=None, help="Configuration file (evidence.public_key).")
@PASSWORD_ENV
@click.pass_context
def report(ctx: click.Context, directory: str, start: str | None, end: str | None, fmt: str, output: str | None,
           branch: str | None, repo: str | None, public_key: str | None, config_path: str | None,
           password_env: str | None) -> None:
    """Per control: runs, pass rate, failures and time to fix; exceptions active in the period.

    Exit status 1 when the ledger fails verification (the report says so at the top).
    """
    from soc2gate import api
    from soc2gate.commands.output import write_file
    from soc2gate.evidence.report_markdown import render

    data = api.evidence_report(directory, start, end, public_key, config_path, branch, repo, password_env)
    text = json.dumps(data, indent=2) + "\n" if fmt == "json" else render(data)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_file(output, text)
    ctx.exit(0 if data["integrity"]["ok"] else 1)
