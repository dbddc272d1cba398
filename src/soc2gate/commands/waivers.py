"""``soc2gate waivers list``: every exception, who approved it, and when it expires."""

from __future__ import annotations

import json
from typing import Any

import click

from soc2gate import api

STATE_ORDER = {"expired": 0, "forbidden": 1, "expiring": 2, "active": 3}


@click.group()
def command() -> None:
    """Governed exceptions (docs/waivers.md)."""


@command.command("list")
@click.argument("paths", nargs=-1)
@click.option("--expiring", "within", type=click.IntRange(min=0), default=None, metavar="DAYS",
              help="Only waivers that expire within DAYS days (expired ones included).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--config", "config_path", default=None, help="Configuration file (default: ./.soc2gate.yaml).")
@click.option("--policy-dir", "policy_dirs", multiple=True, help="Add a directory of policies (repeatable).")
@click.pass_context
def list_waivers(ctx: click.Context, paths: tuple[str, ...], within: int | None, fmt: str,
                 config_path: str | None, policy_dirs: tuple[str, ...]) -> None:
    """Central waivers, plus the inline waivers found in PATHS.

    Exit status 1 when a listed waiver is expired (or, with --expiring, expires within
    DAYS) or an inline waiver is invalid; 0 otherwise.
    """
    options = api.ScanOptions(paths=paths, config_path=config_path, policy_dirs=policy_dirs)
    states, problems = api.list_waivers(options)
    shown = [s for s in states if within is None or s["days_left"] <= within]
    shown.sort(key=lambda s: (STATE_ORDER.get(s["state"], 9), s["expires"], s["policy"]))
    if fmt == "json":
        click.echo(json.dumps({"waivers": shown, "problems": [_problem(p) for p in problems]}, indent=2))
    else:
        click.echo(_text(shown, problems), nl=False)
    urgent = any(s["state"] in ("expired", "forbidden") for s in shown) or (within is not None and bool(shown))
    ctx.exit(1 if urgent or problems else 0)


def _problem(finding: Any) -> dict[str, Any]:
    span = finding.span
    return {"file": span.file if span else "", "line": span.start_line if span else 0, "message": finding.message}


def _target(state: dict[str, Any]) -> str:
    if state["origin"] != "central":
        return state["selector"].get("address", "")
    return " ".join(f"{k}={v}" for k, v in state["selector"].items())


def _text(states: list[dict[str, Any]], problems: list[Any]) -> str:
    lines = []
    if states:
        lines.append(f"{'STATE':<10} {'POLICY':<8} {'EXPIRES':<11} {'DAYS':>5}  {'ORIGIN':<10} {'WHERE':<28} "
                     f"{'APPROVED BY':<16} {'TICKET':<10} TARGET / REASON")
    for s in states:
        where = f"{s['file']}:{s['line']}" if s["line"] else s["file"]
        lines.append(f"{s['state']:<10} {s['policy']:<8} {s['expires']:<11} {s['days_left']:>5}  {s['origin']:<10} "
                     f"{where:<28} {s['approved_by']:<16} {s['ticket'] or '-':<10} {_target(s)}")
        lines.append(f"{'':<10} reason: {s['reason']}")
    if problems:
        lines.append("problems:")
        lines.extend(f"  {p.message}" for p in problems)
    counts = {state: sum(1 for s in states if s["state"] == state) for state in STATE_ORDER}
    lines.append(f"{len(states)} waiver(s): " + ", ".join(f"{n} {state}" for state, n in counts.items() if n)
                 + (f"; {len(problems)} problem(s)" if problems else ""))
    return "\n".join(lines) + "\n"
