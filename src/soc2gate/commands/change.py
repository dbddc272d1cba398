"""``soc2gate change normalize|overdue``: change records as evidence (SOC 2 CC8.1)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from soc2gate.parsers import json_strict

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
    from soc2gate.change.enrich import enrich_record
    from soc2gate.errors import InputError
    from soc2gate.parsers.change.records import normalize as to_record

    document = _load(event)
    try:
        record = to_record(document)
    except InputError as exc:
        raise InputError(f"{event}: {exc}") from None
    record = enrich_record(record, settings, event)
    text = json.dumps(record, indent=2) + "\n" if fmt == "json" else _yaml(record)
    if output is None:
        click.echo(text, nl=False)
    else:
        from soc2gate.cli import write_file

        write_file(output, text)


def _load(name: str) -> Any:
    from soc2gate.errors import InputError

    try:
        text = Path(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{name}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{name}: cannot read: {exc}") from None
    if name.endswith((".yaml", ".yml")):
        import yaml

        try:
            from soc2gate.parsers.yaml_guard import load_yaml

            return load_yaml(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise InputError(f"{name}:{mark.line + 1 if mark else 0}: invalid YAML: {exc}") from None
    try:
        return json_strict.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise InputError(f"{name}: invalid JSON: nested too deeply to read") from None


def _yaml(record: dict[str, Any]) -> str:
    import yaml

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
    from soc2gate.change.overdue import find_overdue

    report = find_overdue(paths, config_path, hours, _now(now_text))
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:
        _print_text(report)
    ctx.exit(2 if report.errors else (1 if report.overdue else 0))


def _now(text: str | None) -> Any:
    from datetime import datetime, timezone

    from soc2gate.errors import UsageError
    from soc2gate.parsers.change.timestamps import TimestampError, parse_timestamp

    if text is None:
        return datetime.now(timezone.utc)
    try:
        return parse_timestamp(text)
    except TimestampError as exc:
        raise UsageError(f"--now: {exc}") from None


def _print_text(report: Any) -> None:
    for label, findings in (("ERROR", report.errors), ("OVERDUE", report.overdue), ("PENDING", report.pending)):
        for finding in findings:
            where = finding.span.location() if finding.span else "-"
            click.echo(f"{label:<8} {finding.message}  [{where}]")
    click.echo(f"{len(report.overdue)} emergency change(s) overdue, {len(report.pending)} pending, "
               f"{report.checked} change record(s) checked (review within {report.hours:g} h, as of {report.as_of})")
