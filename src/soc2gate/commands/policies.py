"""``soc2gate policies list|show|export``: the catalog as users see it."""

from __future__ import annotations

from pathlib import Path

import click

from soc2gate import api
from soc2gate.commands.output import write_file


@click.group()
def command() -> None:
    """List and document policies."""


@command.command("list")
@click.option("--policy-dir", "policy_dirs", multiple=True)
@click.option("--surface", type=click.Choice(api.SURFACES), default=None)
def list_policies(policy_dirs: tuple[str, ...], surface: str | None) -> None:
    """One line per policy: id, severity, controls, title."""
    for policy in api.policy_bundle(policy_dirs).policies:
        if surface is None or policy.surface == surface:
            click.echo(f"{policy.id:<8} {policy.severity:<8} {','.join(policy.controls):<20} {policy.title}")


@command.command("show")
@click.argument("policy_id")
@click.option("--policy-dir", "policy_dirs", multiple=True)
def show(policy_id: str, policy_dirs: tuple[str, ...]) -> None:
    """The documentation of one policy."""
    click.echo(api.policy_doc(policy_id, policy_dirs))


@command.command("test")
@click.argument("dirs", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--verbose", "-v", is_flag=True, help="List every fixture, not only those that fail.")
def test(dirs: tuple[str, ...], verbose: bool) -> None:
    """Run the fixtures/pass|fail|inconclusive of every policy under DIRS (exit 1 when one fails)."""
    report = api.fixture_runner().run(dirs)
    for note in report.notes:
        click.echo(f"soc2gate: warning: {note}", err=True)
    click.echo(report.text(verbose))
    if not report.passed:
        raise SystemExit(1)


@command.command("docs")
@click.option("--output", default="docs/policies.md", show_default=True, help="File to write.")
@click.option("--check", is_flag=True, help="Exit 1 when the file is not up to date instead of writing it.")
def docs(output: str, check: bool) -> None:
    """Generate the policy catalog documentation from METADATA."""
    text = api.catalog_doc()
    target = Path(output)
    if check:
        current = target.read_text(encoding="utf-8") if target.is_file() else ""
        if current != text:
            click.echo(f"{output} is stale: run `soc2gate policies docs --output {output}`", err=True)
            raise SystemExit(1)
        click.echo(f"{output} is up to date")
        return
    write_file(output, text, "the policy catalog")
    click.echo(f"wrote {output}")


@command.command("export")
@click.option("--format", "fmt", type=click.Choice(["bundle"]), default="bundle", show_default=True,
              help="bundle: an OPA bundle (tar.gz with .manifest) to run in your own OPA.")
@click.option("--output", required=True, help="File to write, e.g. soc2gate-bundle.tar.gz.")
@click.option("--policy-dir", "policy_dirs", multiple=True, help="Add a directory of policies (repeatable).")
def export(fmt: str, output: str, policy_dirs: tuple[str, ...]) -> None:
    """Write the policy pack in a format other tools load."""
    count, bundle = api.export_bundle(output, policy_dirs)
    click.echo(f"wrote {output}: OPA bundle with {count} Rego modules ({len(bundle.policies)} policies), "
               f"revision {bundle.digest}")
