"""Command groups besides ``scan``; the registry lists them explicitly."""

from __future__ import annotations

import importlib

import click

COMMAND_MODULES: dict[str, str] = {
    "policies": "soc2gate.commands.policies",
    "controls": "soc2gate.commands.controls",
}


def register_all(group: click.Group) -> None:
    for name, module in COMMAND_MODULES.items():
        if name not in group.commands:
            group.add_command(importlib.import_module(module).command, name)
