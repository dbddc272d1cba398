"""``soc2gate controls``: for every in-scope criterion, the policies that evidence it."""

from __future__ import annotations

import click


@click.command()
@click.option("--config", "config_path", default=None)
@click.option("--policy-dir", "policy_dirs", multiple=True)
def command(config_path: str | None, policy_dirs: tuple[str, ...]) -> None:
    """SOC 2 criteria coverage; criteria no policy tests are listed as not covered."""
    from soc2gate.api import Gate, ScanOptions
    from soc2gate.catalog.controls import sort_key

    gate = Gate.load(ScanOptions(config_path=config_path, policy_dirs=policy_dirs))
    click.echo(f"categories in scope: {', '.join(gate.categories)}")
    covered = 0
    for control in sorted(gate.controls.values(), key=lambda c: sort_key(c.id)):
        ids = [p.id for p in gate.policies if control.id in p.controls]
        covered += bool(ids)
        status = ", ".join(ids) if ids else "not covered"
        click.echo(f"{control.id:<6} {control.title:<40} {status}")
    click.echo(f"{covered} of {len(gate.controls)} criteria covered by {len(gate.policies)} policies")
