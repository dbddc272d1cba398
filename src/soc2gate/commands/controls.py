"""``soc2gate controls``: for every in-scope criterion, the policies that evidence it."""

from __future__ import annotations

import click

from soc2gate import api
from soc2gate.model import control_order


@click.command()
@click.option("--config", "config_path", default=None)
@click.option("--policy-dir", "policy_dirs", multiple=True)
def command(config_path: str | None, policy_dirs: tuple[str, ...]) -> None:
    """SOC 2 criteria coverage; criteria no policy tests are listed as not covered."""
    gate = api.Gate.load(api.ScanOptions(config_path=config_path, policy_dirs=policy_dirs))
    click.echo(f"categories in scope: {', '.join(gate.categories)}")
    covered = 0
    for control in sorted(gate.controls.values(), key=lambda c: control_order(c.id)):
        ids = [p.id for p in gate.policies if control.id in p.controls]
        covered += bool(ids)
        status = ", ".join(ids) if ids else "not covered"
        click.echo(f"{control.id:<6} {control.title:<40} {status}")
    click.echo(f"{covered} of {len(gate.controls)} criteria covered by {len(gate.policies)} policies")
