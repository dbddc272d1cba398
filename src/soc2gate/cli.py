"""The ``soc2gate`` command line.  Commands only parse options and call ``api``.

Exit codes: 0 passed, 1 gate failed, 2 usage/config/policy-load error, 3 internal error.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from soc2gate import __version__, api
from soc2gate.commands import COMMAND_MODULES, load
from soc2gate.commands.output import FORMAT_CHOICE, output_targets, write_reports
from soc2gate.errors import Soc2gateError, UsageError

# declared once; accepted by the group and by every command (``main`` reads it before click runs)
DEBUG = click.Option(["--debug"], is_flag=True, expose_value=False, help="Show tracebacks of internal errors.")


def _with_debug(command: click.Command) -> click.Command:
    if DEBUG not in command.params:
        command.params.append(DEBUG)
    for sub in getattr(command, "commands", {}).values():
        _with_debug(sub)
    return command


class _Group(click.Group):
    """The root group: every command added to it accepts ``--debug``; the command groups of the
    registry load when invoked, so `soc2gate hook` does not import the webhook or audit code."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        super().add_command(_with_debug(cmd), name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMAND_MODULES))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            command = load(cmd_name)
            if command is not None:
                self.add_command(command, cmd_name)
        return self.commands.get(cmd_name)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]}, params=[DEBUG])
@click.version_option(__version__, prog_name="soc2gate")
def cli() -> None:
    """soc2gate: check infrastructure changes against SOC 2 controls."""


@cli.command()
@click.argument("paths", nargs=-1)
@click.option("--format", "formats", multiple=True, type=FORMAT_CHOICE, help="Output format (repeatable).")
@click.option("--output", "outputs", multiple=True, metavar="FORMAT=FILE",
              help="Write FORMAT to FILE, e.g. json=r.json (repeatable); a bare FILE pairs with --format by "
                   "position where that is unambiguous.")
@click.option("--color", "color_mode", type=click.Choice(["auto", "always", "never"]), default="auto",
              help="Colour of the text report (auto honours NO_COLOR, FORCE_COLOR and the terminal).")
@click.option("--quiet", "-q", is_flag=True, help="Text report: the verdict and blocking findings only.")
@click.option("--compact", is_flag=True, help="Text report: one line per finding, no hints.")
@click.option("--snippets", is_flag=True, help="Text report: show the code around each finding's line.")
@click.option("--progress/--no-progress", default=None,
              help="Progress on standard error (default: only when it is a terminal).")
@click.option("--controls", default="", help="Only policies evidencing these criteria, e.g. CC6.1,CC8.1.")
@click.option("--policy-dir", "policy_dirs", multiple=True, help="Add a directory of policies (repeatable).")
@click.option("--fail-on", type=click.Choice(api.SEVERITIES), default=None)
@click.option("--strict", is_flag=True, default=None, help="Inconclusive outcomes fail the gate.")
@click.option("--allow-parse-errors", is_flag=True, default=None, help="Report SYS-001/002 without failing.")
@click.option("--allow-empty", is_flag=True, default=None,
              help="A run that evaluated nothing passes (default: SYS-005).")
@click.option("--var-file", "var_files", multiple=True, help="Terraform variable file (repeatable).")
@click.option(
    "--config",
    "config_path",
    default=None,
    help="Configuration file (default: .soc2gate.yaml found from the scanned path up to the repository root).",
)
@click.option("--input-type", type=click.Choice(api.INPUT_TYPES), default=None,
              help="Type of the input read from `-` (standard input).")
@click.option("--change-record", "change_records", multiple=True, help="A change record or PR/MR event (repeatable).")
@click.option("--github-token", envvar="GITHUB_TOKEN", default=None,
              help="Complete GitHub change records from the REST API (env GITHUB_TOKEN).")
@click.option("--github-api-url", envvar="GITHUB_API_URL", default=None,
              help="GitHub REST API base URL, for GitHub Enterprise Server (env GITHUB_API_URL).")
@click.option("--gitlab-token", envvar="GITLAB_TOKEN", default=None,
              help="Complete GitLab change records from the REST API (env GITLAB_TOKEN).")
@click.option("--gitlab-api-url", envvar="CI_API_V4_URL", default=None,
              help="GitLab API v4 base URL (env CI_API_V4_URL; default: from the merge request URL).")
@click.option("--with-checkov", is_flag=True, default=None,
              help="Also run checkov (in its own environment) and report its results as findings.")
@click.option("--docs-url", default=None, envvar="SOC2GATE_DOCS_URL",
              help="URL of your copy of docs/policies.md, linked from SARIF rules (env SOC2GATE_DOCS_URL).")
@click.option("--checkov-bin", envvar="SOC2GATE_CHECKOV_BIN", default=None,
              help="The checkov executable (env SOC2GATE_CHECKOV_BIN; default: checkov on PATH).")
@click.option("--opa-url", envvar="SOC2GATE_OPA_URL", default=None,
              help="Evaluate the policies on this OPA server instead of the embedded engine.")
@click.option("--opa-token", envvar="SOC2GATE_OPA_TOKEN", default=None,
              help="Bearer token for the OPA server (env SOC2GATE_OPA_TOKEN).")
@click.option("--opa-ca-bundle", default=None, help="CA certificate(s) that sign the OPA server's TLS certificate.")
@click.option("--evidence", "evidence_dir", envvar="SOC2GATE_EVIDENCE_URL", default=None, metavar="STORE",
              help="Append a tamper-evident record of this run to the evidence store: a ledger folder (file:DIR) "
                   "or postgresql://… (env SOC2GATE_EVIDENCE_URL; or evidence.url).")
@click.option("--evidence-password-env", default=None, metavar="NAME",
              help="Environment variable holding the PostgreSQL evidence store's password.")
@click.option("--evidence-key", default=None, metavar="PEM", help="Ed25519 private key that signs the evidence record.")
@click.option("--diff-base", default=None, metavar="REF",
              help="Compare with this git revision (its merge base with HEAD): findings are new or existing, "
                   "and the report lists what the change fixed.")
@click.option("--gate", type=click.Choice(["all", "new"]), default=None,
              help="all: every failure counts (default); new: only findings new since --diff-base or the baseline.")
@click.option("--baseline", "baseline_file", default=None, metavar="FILE",
              help="Baseline file (soc2gate baseline create): the failures it records are existing.")
@click.option("--no-cache", is_flag=True, help="Do not use the parse cache.")
@click.pass_context
def scan(ctx: click.Context, paths: tuple[str, ...], formats: tuple[str, ...], outputs: tuple[str, ...],
         controls: str, **options: Any) -> None:
    """Scan Terraform, plans, Kubernetes manifests and change records."""
    evidence_dir, evidence_key = options.pop("evidence_dir"), options.pop("evidence_key")
    password_env = options.pop("evidence_password_env")
    text_options = _text_options(options)
    targets = output_targets(formats, outputs)
    require_paths(paths)
    stdin = sys.stdin.buffer.read(api.MAX_STDIN_BYTES + 1) if "-" in paths else None  # bounded: refused past it
    scan_options = api.ScanOptions(
        paths=tuple(p for p in paths if p != "-"),
        stdin=stdin,
        controls=tuple(c.strip() for c in controls.split(",") if c.strip()),
        use_cache=not options.pop("no_cache"),
        ci_run=api.ci_run(os.environ) if options.get("change_records") else {},
        **{k: v for k, v in options.items()},
    )
    progress = text_options.pop("progress")
    _progress(progress, f"soc2gate: reading {len(scan_options.paths) or 'standard input'} path(s)…")
    result = api.scan(scan_options)
    _progress(progress, f"soc2gate: {len(result.inputs)} files parsed, {len(result.policies)} policies evaluated "
                        f"in {sum(result.timings.values()):.1f} s")
    write_reports(result, targets, text_options)
    receipt = api.record_evidence(result, scan_options, evidence_dir, evidence_key, password_env=password_env)
    if receipt is not None:
        click.echo(f"soc2gate: evidence record #{receipt.seq} (run {receipt.run_id}, {receipt.hash}) "
                   f"appended to chain {receipt.chain!r} of {receipt.path}", err=True)
    ctx.exit(result.exit_code)


def require_paths(paths: tuple[str, ...]) -> None:
    """A path that does not exist is a usage error (exit 2), not a finding."""
    for path in paths:  # a broken link, a loop or a FIFO is named: it fails the gate as SYS-005
        if path != "-" and not os.path.lexists(path):
            raise UsageError(f"{path}: no such file or directory")


def _text_options(options: dict[str, Any]) -> dict[str, Any]:
    """Pop the text-report options (layout, colour, snippets, progress) out of the scan options."""
    quiet, compact = options.pop("quiet"), options.pop("compact")
    if quiet and compact:
        raise UsageError("--quiet and --compact are exclusive: --quiet already prints one line per finding")
    color = api.use_color(options.pop("color_mode"), sys.stdout.isatty(), os.environ)
    progress = options.pop("progress")
    return {"layout": "quiet" if quiet else "compact" if compact else "full", "color": color,
            "snippets": options.pop("snippets"), "progress": sys.stderr.isatty() if progress is None else progress}


def _progress(enabled: bool, message: str) -> None:
    if enabled:
        click.echo(message, err=True)


def main() -> None:
    """Console entry point: the one error handler at the edge."""
    debug = "--debug" in sys.argv[1:]
    try:
        code = cli.main(standalone_mode=False, prog_name="soc2gate")
        sys.exit(code if isinstance(code, int) else 0)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(2)
    except Soc2gateError as exc:
        click.echo(f"soc2gate: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except Exception as exc:  # noqa: BLE001 - the single edge handler
        if debug:
            raise
        click.echo(f"soc2gate: internal error: {type(exc).__name__}: {exc} (run with --debug for a traceback)",
                   err=True)
        sys.exit(3)
