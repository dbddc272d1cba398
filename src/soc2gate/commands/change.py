"""``soc2gate change normalize|overdue``: change records as evidence (SOC 2 CC8.1)."""

from __future__ import annotations

import json
from typing import Any

import click

from soc2gate import api
from soc2gate.commands.output import write_file

TOKEN_OPTIONS = (
    click.option("--github-token", envvar="GITHUB_TOKEN", default=None,
                 help="Complete GitHub records from the REST API (env GITHUB_TOKEN)."),
    click.option("--github-api-url", envvar="GITHUB_API_URL", default=None,
                 help="GitHub REST API base URL, for GitHub Enterprise Server (env GITHUB_API_URL)."),
    click.option("--gitlab-token", envvar="GITLAB_TOKEN", default=None,
                 help="Complete GitLab records from the REST API (env GITLAB_TOKEN)."),
    click.option("--gitlab-api-url", envvar="CI_API_V4_URL", default=None,
                 help="GitLab API v4 base URL (env CI_API_V4_URL; default: from the merge request URL)."),
)


def _token_options(function: Any) -> Any:
    for option in reversed(TOKEN_OPTIONS):
        function = option(function)
    return function


@click.group()
def command() -> None:
    """Change records: normalize PR/MR events, list overdue emergency reviews."""


@command.command("normalize")
@click.argument("event")
@click.option("--format", "fmt", type=click.Choice(["json", "yaml"]), default="json", show_default=True)
@click.option("--output", default=None, help="Write the record to this file instead of standard output.")
@_token_options
def normalize(event: str, fmt: str, output: str | None, **settings: Any) -> None:
    """Print the generic change record of EVENT (a GitHub/GitLab event body or a record)."""
    record = api.change_record(event, settings)
    text = json.dumps(record, indent=2) + "\n" if fmt == "json" else _yaml(record)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_file(output, text, "the change record")


def _yaml(record: dict[str, Any]) -> str:
    import yaml  # kept off CLI start (benchmarks/README.md, pre-commit hook latency)

    return yaml.safe_dump(record, sort_keys=False, allow_unicode=True)


@command.command("overdue")
@click.argument("paths", nargs=-1, required=True)
@click.option("--hours", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Review deadline after merge (default: change_management.emergency.review_within_hours, 24).")
@click.option("--now", "now_text", default=None, help="Judge as of this RFC 3339 time (default: now).")
@click.option("--config", "config_path", default=None, help="Configuration file (default: ./.soc2gate.yaml).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def overdue(ctx: click.Context, paths: tuple[str, ...], hours: float | None, now_text: str | None,
            config_path: str | None, fmt: str) -> None:
    """List emergency changes without an independent approval within the deadline.

    Exit 0: none overdue; 1: some overdue; 2: an input could not be read.
    """
    report = api.find_overdue(paths, config_path, hours, api.moment(now_text, "--now"))
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:
        _print_text(report)
    ctx.exit(2 if report.errors else (1 if report.overdue else 0))


def _print_text(report: Any) -> None:
    for label, findings in (("ERROR", report.errors), ("OVERDUE", report.overdue), ("PENDING", report.pending)):
        for finding in findings:
            where = finding.span.location() if finding.span else "-"
            click.echo(f"{label:<8} {finding.message}  [{where}]")
    click.echo(f"{len(report.overdue)} emergency change(s) overdue, {len(report.pending)} pending, "
               f"{report.checked} change record(s) checked (review within {report.hours:g} h, as of {report.as_of})")
