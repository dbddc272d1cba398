"""``soc2gate baseline create|status``: accepted existing failures, governed like a waiver."""

from __future__ import annotations

import getpass
import json
import os
from typing import Any

import click

CONFIG = click.option("--config", "config_path", default=None, help="Configuration file (default: ./.soc2gate.yaml).")
POLICY_DIRS = click.option("--policy-dir", "policy_dirs", multiple=True, help="Add a directory of policies (repeatable).")
VAR_FILES = click.option("--var-file", "var_files", multiple=True, help="Terraform variable file (repeatable).")


@click.group()
def command() -> None:
    """Baselines of existing failures (docs/adopting.md)."""


def _who() -> str:
    for name in ("SOC2GATE_CREATED_BY", "GITHUB_ACTOR", "GITLAB_USER_LOGIN"):
        if os.environ.get(name, "").strip():
            return os.environ[name].strip()
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""


def _plain(paths: tuple[str, ...], config_path: str | None, policy_dirs: tuple[str, ...],
           var_files: tuple[str, ...]) -> Any:
    """A scan without any comparison (``gate: all``, no baseline file): what is there today."""
    from soc2gate import api

    return api.ScanOptions(paths=paths, config_path=config_path, policy_dirs=policy_dirs, var_files=var_files,
                           gate="all", baseline_file="")


@command.command("create")
@click.argument("paths", nargs=-1, required=True)
@click.option("--output", default=".soc2gate-baseline.json", show_default=True, help="Baseline file to write.")
@click.option("--owner", required=True, help="Who is accountable for the accepted failures (team or person).")
@click.option("--review-by", required=True, metavar="YYYY-MM-DD", help="Day by which the baseline must be reviewed.")
@click.option("--created-by", default=None, help="Who records it (default: $SOC2GATE_CREATED_BY, $GITHUB_ACTOR, user).")
@click.option("--ticket", default="", help="Tracking ticket for burning the baseline down.")
@click.option("--reason", default="", help="Why these failures are accepted for now.")
@CONFIG
@POLICY_DIRS
@VAR_FILES
def create(paths: tuple[str, ...], output: str, created_by: str | None, config_path: str | None,
           policy_dirs: tuple[str, ...], var_files: tuple[str, ...], **fields: str) -> None:
    """Record today's failing and inconclusive findings in PATHS as a baseline file."""
    from soc2gate import api
    from soc2gate.commands.output import write_file
    from soc2gate.errors import UsageError

    who = (created_by or _who()).strip()
    if not who:
        raise UsageError("--created-by is required (no user name in the environment)")
    options = _plain(paths, config_path, policy_dirs, var_files)
    result = api.scan(options)
    data = api.baseline.run("create", result, config_path, None, paths, {"created_by": who, **fields})
    write_file(output, json.dumps(data, indent=2, ensure_ascii=False) + "\n", "the baseline")
    errors = result.counts()["error"]
    click.echo(f"soc2gate: baseline of {len(data['entries'])} findings written to {output} "
               f"(owner {data['owner']}, review by {data['review_by']})", err=True)
    if errors:
        click.echo(f"soc2gate: {errors} errors (unparsable inputs, policy or configuration problems) are not "
                   "baselined: they keep failing the gate until fixed", err=True)


@command.command("status")
@click.argument("paths", nargs=-1, required=True)
@click.option("--baseline", "baseline_file", default=None, metavar="FILE",
              help="Baseline file (default: baseline.file in the configuration).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@CONFIG
@POLICY_DIRS
@VAR_FILES
@click.pass_context
def status(ctx: click.Context, paths: tuple[str, ...], baseline_file: str | None, fmt: str,
           config_path: str | None, policy_dirs: tuple[str, ...], var_files: tuple[str, ...]) -> None:
    """What the baseline still holds open, what was fixed since, what it no longer matches.

    Exit status 1 when the baseline is past its review date and grace period, 0 otherwise.
    """
    from soc2gate import api

    result = api.scan(_plain(paths, config_path, policy_dirs, var_files))
    listing = api.baseline.run("status", result, config_path, None, paths, {"file": baseline_file or ""})
    click.echo(json.dumps(listing, indent=2) if fmt == "json" else _text(listing), nl=fmt == "json")
    ctx.exit(1 if listing["expired"] else 0)


def _entry(item: dict[str, Any]) -> str:
    where = f"{item.get('file', '')}:{item.get('line', 0)}" if item.get("line") else item.get("file", "")
    return f"  {item['policy']:<8} {item.get('resource', ''):<40} {where}"


def _text(listing: dict[str, Any]) -> str:
    lines = [(f"baseline {listing['file']}: owner {listing['owner']}, created {listing['created']} by "
              f"{listing['created_by']}, review by {listing['review_by']}, {listing['entries']} entries")]
    lines += [f"  WARNING {note}" for note in listing["review"]]
    for key, title in (("open", "still open"), ("fixed", "fixed since"), ("unmatched", "no longer matched"),
                       ("new", "new (not in the baseline)")):
        lines.append(f"{title}: {len(listing[key])}")
        lines.extend(_entry(item) for item in listing[key])
    return "\n".join(lines) + "\n"
