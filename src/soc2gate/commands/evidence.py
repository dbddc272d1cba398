"""``soc2gate evidence init|verify|report|copy|population|show``: set up a store, prove it intact, summarize a
period, move it, export the populations an auditor samples, print one record."""

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
@click.option("--format", "fmt", type=click.Choice(["markdown", "json", "html"]), default="markdown",
              help="html: one self-contained, printable file with charts (no network requests).")
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
    from soc2gate.evidence import report_html, report_markdown

    data = api.evidence_report(directory, start, end, public_key, config_path, branch, repo, password_env)
    renderers = {"json": lambda d: json.dumps(d, indent=2) + "\n", "markdown": report_markdown.render,
                 "html": report_html.render}
    _emit(renderers[fmt](data), output)
    ctx.exit(0 if data["integrity"]["ok"] else 1)


def _emit(text: str, output: str | None) -> None:
    from soc2gate.commands.output import write_file

    if output is None:
        click.echo(text, nl=False)
        return
    write_file(output, text)


@command.command("population")
@click.argument("directory", metavar="STORE")
@click.option("--kind", type=click.Choice(["changes", "runs", "exceptions"]), default="changes")
@click.option("--from", "start", default=None, help="First day (YYYY-MM-DD, UTC) or ISO 8601 timestamp.")
@click.option("--to", "end", default=None, help="Last day (YYYY-MM-DD, UTC, inclusive) or ISO 8601 timestamp.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv")
@click.option("--sample", "size", type=int, default=None, help="Draw a reproducible random sample of N items.")
@click.option("--seed", type=int, default=None, help="Seed of the sample (required with --sample).")
@click.option("--output", default=None, help="Write to this file instead of standard output.")
@click.option("--public-key", default=None, help="Ed25519 public key (PEM) to check signatures with.")
@click.option("--config", "config_path", default=None, help="Configuration file (evidence.public_key).")
@PASSWORD_ENV
@click.pass_context
def population(ctx: click.Context, directory: str, kind: str, start: str | None, end: str | None, fmt: str,
               size: int | None, seed: int | None, output: str | None, public_key: str | None,
               config_path: str | None, password_env: str | None) -> None:
    """Every change, run or exception in the period (the population to sample), or a reproducible sample.

    Exit status 1 when the store fails verification (nothing is exported from it).
    """
    from soc2gate import api
    from soc2gate.errors import UsageError
    from soc2gate.evidence import population as pop

    if size is not None and seed is None:
        raise UsageError("--sample needs --seed (so the auditor can re-perform the sample)")
    records, integrity = api.evidence_records(directory, start, end, public_key, config_path, password_env)
    if not integrity.ok:
        click.echo(f"soc2gate: {integrity.location} does not verify ({len(integrity.problems)} problem(s)); "
                   "run `soc2gate evidence verify` — no population exported", err=True)
        ctx.exit(1)
    rows, how = pop.population(records, kind), None
    if size is not None:
        rows, how = pop.sample(rows, size, int(seed or 0))
        click.echo(f"soc2gate: sample of {how['sample']} from {how['population']} {kind}, seed {how['seed']}; "
                   f"method: {how['method']}", err=True)
    _emit(pop.render(rows, fmt, how, kind), output)


@command.command("show")
@click.argument("directory", metavar="STORE")
@click.argument("record")
@click.option("--chain", default=None, help="The chain holding RECORD (a PostgreSQL store holds several).")
@click.option("--public-key", default=None, help="Ed25519 public key (PEM) to check signatures with.")
@click.option("--config", "config_path", default=None, help="Configuration file (evidence.public_key).")
@PASSWORD_ENV
@click.pass_context
def show(ctx: click.Context, directory: str, record: str, chain: str | None, public_key: str | None,
         config_path: str | None, password_env: str | None) -> None:
    """Print one record's full evidence (RECORD: its number, run id or hash) as JSON.

    Exit status 1 when the store fails verification (the record is still printed, with a warning).
    """
    from soc2gate import api
    from soc2gate.evidence.population import find_record

    records, integrity = api.evidence_records(directory, None, None, public_key, config_path, password_env)
    found = find_record(records, record, chain)
    click.echo(json.dumps({"chain": found["_chain"], "store_verified": integrity.ok,
                           "record": {k: v for k, v in found.items() if k != "_chain"}}, indent=2, sort_keys=True))
    if not integrity.ok:
        click.echo(f"soc2gate: WARNING: {integrity.location} does not verify; run `soc2gate evidence verify`", err=True)
    ctx.exit(0 if integrity.ok else 1)
