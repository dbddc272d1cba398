"""Command groups besides ``scan``; the registry lists them explicitly."""

from __future__ import annotations

import importlib

import click

COMMAND_MODULES: dict[str, str] = {
    "policies": "soc2gate.commands.policies",
    "controls": "soc2gate.commands.controls",
    "waivers": "soc2gate.commands.waivers",
    "evidence": "soc2gate.commands.evidence",
    "github": "soc2gate.commands.github",
    "hook": "soc2gate.commands.hook",
    "webhook": "soc2gate.commands.webhook",
    "audit": "soc2gate.commands.audit",
    "monitor": "soc2gate.commands.monitor",
    "change": "soc2gate.commands.change",
    "baseline": "soc2gate.commands.baseline",
}


def load(name: str) -> click.Command | None:
    """The command group ``name`` (its module imported now), or None for an unknown name."""
    module = COMMAND_MODULES.get(name)
    command: click.Command | None = importlib.import_module(module).command if module else None
    return command


def register_all(group: click.Group) -> None:
    """Add every command group now (the CLI itself loads each one when it is invoked)."""
    for name in COMMAND_MODULES:
        command = None if name in group.commands else load(name)
        if command is not None:
            group.add_command(command, name)
