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


def register_all(group: click.Group) -> None:
    for name, module in COMMAND_MODULES.items():
        if name not in group.commands:
            group.add_command(importlib.import_module(module).command, name)
