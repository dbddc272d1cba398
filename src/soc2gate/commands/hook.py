"""``soc2gate hook FILE...``: the pre-commit entry point.

pre-commit passes the staged files; ``api.check_staged`` evaluates each Terraform file within
its module and reports only the findings located in the given files (``soc2gate/staged/``),
the verdict following the findings kept.  ``--whole-module`` reports every finding of the
touched modules.
"""

from __future__ import annotations

from pathlib import Path

import click

from soc2gate import api
from soc2gate.commands.output import FORMAT_CHOICE


@click.command()
@click.argument("filenames", nargs=-1)
@click.option("--config", "config_path", default=None, help="Configuration file (default: ./.soc2gate.yaml).")
@click.option("--fail-on", type=click.Choice(api.SEVERITIES), default=None)
@click.option("--controls", default="", help="Only policies evidencing these criteria, e.g. CC6.1,CC8.1.")
@click.option("--policy-dir", "policy_dirs", multiple=True, help="Add a directory of policies (repeatable).")
@click.option("--whole-module", is_flag=True, help="Report every finding of the touched Terraform modules.")
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="text")
@click.pass_context
def command(ctx: click.Context, filenames: tuple[str, ...], config_path: str | None, fail_on: str | None,
            controls: str, policy_dirs: tuple[str, ...], whole_module: bool, fmt: str) -> None:
    """Check the files pre-commit passes (each Terraform file within its module)."""
    if not filenames:
        ctx.exit(0)
    options = api.ScanOptions(config_path=config_path, fail_on=fail_on, policy_dirs=policy_dirs,
                              controls=tuple(c.strip() for c in controls.split(",") if c.strip()))
    plan, result = api.check_staged(options, filenames, whole_module)
    if result is None:
        click.echo(f"soc2gate: all {len(plan.excluded)} files are excluded by configuration")
        ctx.exit(0)
    click.echo(api.render(result, fmt), nl=False)
    for item in result.skipped:
        if Path(item.path).resolve() in plan.report:
            click.echo(f"soc2gate: skipped {item.path}: {item.reason}", err=True)
    ctx.exit(result.exit_code)
