"""``soc2gate github run``: the whole GitHub Action in one testable command.

Runs the scan through ``soc2gate.api``, writes every requested report, appends the
Markdown summary to ``$GITHUB_STEP_SUMMARY``, prints ``::error``/``::warning`` annotations
(at most ``MAX_ANNOTATIONS`` of each, GitHub's per-step limit), writes the step outputs to
``$GITHUB_OUTPUT`` and exits non-zero when the gate failed (unless ``--soft-fail``).
Every option also reads an ``SOC2GATE_*`` environment variable, which is how ``action.yml``
passes its inputs without interpolating them into shell code.
"""

from __future__ import annotations

import os
import shlex
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Sequence

import click

from soc2gate import api
from soc2gate.commands.output import write_file
from soc2gate.errors import UsageError
from soc2gate.model import Finding, Outcome, Result, severity_rank

PR_EVENTS = frozenset({"pull_request", "pull_request_target", "pull_request_review",
                       "check_run", "check_suite", "workflow_run"})  # check events re-run the gate per PR
FORMAT_FILES = {"sarif": "soc2gate.sarif", "junit": "soc2gate-junit.xml", "json": "soc2gate.json",
                "markdown": "soc2gate.md"}  # the file formats of api.FORMATS (text goes to the log)
MAX_ANNOTATIONS = 10


@dataclass(frozen=True)
class Annotation:
    level: str
    file: str
    line: int
    end_line: int
    title: str
    message: str

    def command(self) -> str:
        props = [f"file={_prop(self.file)}"] if self.file else []
        if self.file and self.line:
            props += [f"line={self.line}", f"endLine={max(self.end_line, self.line)}"]
        props.append(f"title={_prop(self.title)}")
        return f"::{self.level} {','.join(props)}::{_data(self.message)}"


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def split_list(value: str) -> tuple[str, ...]:
    """Newline-, comma- or space-separated input; shell quoting keeps a path with spaces whole."""
    try:
        words = shlex.split(value.replace(",", " "), comments=False, posix=True)
    except ValueError as exc:
        raise UsageError(f"cannot read the list `{value}`: {exc}") from None
    return tuple(w for w in words if w)


def pull_request_event(evaluate: bool) -> tuple[str, ...]:
    """``$GITHUB_EVENT_PATH`` when this run was triggered by a pull request event (or by a check that
    completed on one: check_run, check_suite, workflow_run name their pull requests)."""
    event = os.environ.get("GITHUB_EVENT_NAME", "")
    path = os.environ.get("GITHUB_EVENT_PATH", "")
    return (path,) if evaluate and event in PR_EVENTS and path else ()


def report_targets(formats: Sequence[str], output_dir: str, files: dict[str, str]) -> dict[str, str]:
    """Format -> file for every requested format (an explicit file wins over the output directory)."""
    targets: dict[str, str] = {}
    for fmt in formats:
        if fmt not in FORMAT_FILES:
            raise UsageError(f"unknown output format `{fmt}` in formats; known: {', '.join(FORMAT_FILES)}")
        targets[fmt] = files.get(fmt) or str(Path(output_dir) / FORMAT_FILES[fmt])
    return targets


def write_reports(result: Result, targets: dict[str, str]) -> None:
    for fmt, path in targets.items():
        # code scanning turns every SARIF result into an alert, whatever its baselineState:
        # the fixed ones (absent) stay in the JSON and Markdown reports instead
        write_file(path, api.render(replace(result, fixed=()) if fmt == "sarif" else result, fmt),
                   f"the {fmt} report")


def annotated(result: Result, finding: Finding) -> bool:
    """Compared with a base revision or baseline: only new findings, and (with a base revision)
    only those in files the change touched, so GitHub's per-step limit goes to what the change did.
    An existing finding is annotated only while it still fails the gate (``gate: all``)."""
    if finding.baseline == "existing":
        return result.verdict.blocks(finding)
    diff = result.extras.get("comparison", {}).get("diff_base")
    if not diff or finding.span is None or finding.surface == "change":
        return True  # the change record (CC8.1) is about the pull request itself: always new
    if not finding.baseline and finding.outcome.value == "error":
        return True  # unclassified errors are problems of this run (an expired waiver or baseline)
    return os.path.normpath(finding.span.file) in {os.path.normpath(name) for name in diff["changed_files"]}


def annotations_of(result: Result, limit: int = MAX_ANNOTATIONS) -> list[Annotation]:
    """Errors for findings that fail the gate (as its verdict decides), warnings for the rest worth
    a look; most severe first."""
    titles = {p.id: p.title for p in result.policies}
    shown = [f for f in result.findings if f.outcome in (Outcome.FAIL, Outcome.ERROR, Outcome.INCONCLUSIVE)
             and annotated(result, f)]
    shown.sort(key=lambda f: -severity_rank(f.severity))
    chosen: list[Annotation] = []
    left: dict[str, int] = {"error": 0, "warning": 0}
    for finding in shown:
        level = "error" if result.verdict.blocks(finding) else "warning"
        if sum(1 for a in chosen if a.level == level) >= limit:
            left[level] += 1
            continue
        chosen.append(_annotation(finding, level, titles.get(finding.policy_id, "")))
    for level, count in left.items():
        if count:
            chosen.append(Annotation("notice", "", 0, 0, f"soc2gate: {count} more {level}s",
                                     f"{count} more findings are not annotated (GitHub shows {limit} {level} "
                                     "annotations per step); see the step summary and the SARIF report"))
    return chosen


def _annotation(finding: Finding, level: str, title: str) -> Annotation:
    label = f"{finding.policy_id} ({finding.severity})" + (f": {title}" if title else "")
    controls = f" [SOC 2: {', '.join(finding.controls)}]" if finding.controls else ""
    outcome = "" if finding.outcome.value == "fail" else f"{finding.outcome.value}: "
    file, line, end = _placed(finding)
    return Annotation(level, file, line, end, label, f"{outcome}{finding.message}{controls}")


def _placed(finding: Finding) -> tuple[str, int, int]:
    """File and lines of an annotation; a change record's findings go on the workflow file that ran the gate."""
    location = finding.related.get("location") if finding.surface == "change" else None
    if isinstance(location, dict) and location.get("file"):
        line = int(location.get("line") or 1)
        return _workspace_relative(str(location["file"])), line, line
    span = finding.span
    return (_workspace_relative(span.file), span.start_line, span.end_line) if span else ("", 0, 0)


def _workspace_relative(file: str) -> str:
    """The file relative to $GITHUB_WORKSPACE; empty (a job-level annotation) when it lies outside,
    like the pull-request event file."""
    workspace = os.environ.get("GITHUB_WORKSPACE", "")
    if not workspace or not file or file.startswith("<"):
        return "" if not file or file.startswith("<") else Path(file).as_posix()
    try:
        return Path(file).resolve().relative_to(Path(workspace).resolve()).as_posix()
    except ValueError:
        return ""


def step_outputs(result: Result, targets: dict[str, str]) -> dict[str, str]:
    counts = result.counts()
    values = {"verdict": "passed" if result.passed else "failed", "exit-code": str(result.exit_code),
              "failed": str(counts["fail"]), "errors": str(counts["error"]),
              "inconclusive": str(counts["inconclusive"]), "waived": str(counts["waived"]),
              "passed": str(counts["pass"])}
    for fmt in FORMAT_FILES:
        values[f"{fmt}-file"] = targets.get(fmt, "")
    compared = result.extras.get("comparison", {}).get("counts", {})
    values.update({key: str(compared.get(key, "")) for key in ("new", "existing", "fixed")})
    return values


def write_github_output(path: str, values: dict[str, str]) -> None:
    lines = []
    for name, value in values.items():
        if "\n" in value:
            lines.append(f"{name}<<SOC2GATE_EOF\n{value}\nSOC2GATE_EOF")
        else:
            lines.append(f"{name}={value}")
    _append(path, "\n".join(lines) + "\n", "GITHUB_OUTPUT")


def _append(path: str, text: str, what: str) -> None:
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise UsageError(f"{path} ({what}): cannot write: {exc.strerror or exc}") from None


@click.group()
def command() -> None:
    """Commands the soc2gate GitHub Action runs."""


@command.command("run")
@click.option("--paths", default=".", envvar="SOC2GATE_PATHS", show_default=True,
              help="Files or directories to scan (newline/space separated).")
@click.option("--config", "config_path", default=None, envvar="SOC2GATE_CONFIG", help="Configuration file.")
@click.option("--fail-on", type=click.Choice(api.SEVERITIES), default=None,
              envvar="SOC2GATE_FAIL_ON", help="Lowest failing severity that fails the gate.")
@click.option("--controls", default="", envvar="SOC2GATE_CONTROLS", help="Only these SOC 2 criteria, e.g. CC6.1,CC8.1.")
@click.option("--policy-dirs", default="", envvar="SOC2GATE_POLICY_DIRS", help="Extra policy directories.")
@click.option("--formats", default="sarif,junit,json,markdown", envvar="SOC2GATE_FORMATS", show_default=True)
@click.option("--output-dir", default="soc2gate-reports", envvar="SOC2GATE_OUTPUT_DIR", show_default=True)
@click.option("--sarif-file", default="", envvar="SOC2GATE_SARIF_FILE")
@click.option("--junit-file", default="", envvar="SOC2GATE_JUNIT_FILE")
@click.option("--json-file", default="", envvar="SOC2GATE_JSON_FILE")
@click.option("--markdown-file", default="", envvar="SOC2GATE_MARKDOWN_FILE")
@click.option("--pull-request-change-record", "evaluate_pr", type=click.BOOL, default=True,
              envvar="SOC2GATE_EVALUATE_PR", show_default=True,
              help="On pull_request(_review) events, evaluate $GITHUB_EVENT_PATH as a change record.")
@click.option("--github-token", default=None, envvar="SOC2GATE_GITHUB_TOKEN",
              help="Complete the pull-request change record from the REST API (reviews, checks, files).")
@click.option("--github-api-url", default=None, envvar="GITHUB_API_URL", help="REST API base URL (set by the runner).")
@click.option("--diff-base", default=None, envvar="SOC2GATE_DIFF_BASE",
              help="Compare with this git revision (the pull request's base): findings are new or existing.")
@click.option("--gate", "gate_mode", type=click.Choice(["all", "new", ""]), default=None, envvar="SOC2GATE_GATE",
              help="new: only findings the change introduces fail the gate; all: every failure does.")
@click.option("--baseline", "baseline_file", default=None, envvar="SOC2GATE_BASELINE",
              help="Baseline file (soc2gate baseline create): its failures are existing.")
@click.option("--annotate", type=click.BOOL, default=True, envvar="SOC2GATE_ANNOTATE", show_default=True)
@click.option("--step-summary", type=click.BOOL, default=True, envvar="SOC2GATE_STEP_SUMMARY", show_default=True)
@click.option("--soft-fail", type=click.BOOL, default=False, envvar="SOC2GATE_SOFT_FAIL", show_default=True,
              help="Exit 0 even when the gate failed (usage and configuration errors still exit 2).")
@click.option("--evidence", "evidence_url", default="", envvar="SOC2GATE_EVIDENCE_URL",
              help="Evidence store to append this run's record to (postgresql://…, password from PGPASSWORD).")
@click.option("--evidence-key", default="", envvar="SOC2GATE_EVIDENCE_KEY",
              help="Ed25519 key (PEM file) that signs it.")
@click.option("--evidence-password", default="", envvar="SOC2GATE_EVIDENCE_PASSWORD", hidden=True,
              help="Password of the PostgreSQL evidence store (env only; handed to libpq as PGPASSWORD).")
@click.pass_context
def run(ctx: click.Context, paths: str, config_path: str | None, fail_on: str | None, controls: str,
        policy_dirs: str, formats: str, output_dir: str, evaluate_pr: bool, github_token: str | None,
        github_api_url: str | None, annotate: bool, step_summary: bool, soft_fail: bool, evidence_url: str,
        evidence_key: str, evidence_password: str, diff_base: str | None, gate_mode: str | None,
        baseline_file: str | None, **files: str) -> None:
    """Scan, write reports, step summary, annotations and outputs for GitHub Actions."""
    targets = report_targets(split_list(formats), output_dir,
                             {k.removesuffix("_file"): v for k, v in files.items() if v})
    options = api.ScanOptions(paths=split_list(paths), config_path=config_path or None, fail_on=fail_on,
                              controls=split_list(controls), policy_dirs=split_list(policy_dirs),
                              change_records=pull_request_event(evaluate_pr), github_token=github_token or None,
                              github_api_url=github_api_url or None, ci_run=api.ci_run(os.environ),
                              diff_base=diff_base or None, gate=gate_mode or None, baseline_file=baseline_file or None,
                              docs_url=os.environ.get("SOC2GATE_DOCS_URL") or None)
    gate = api.Gate.load(options)
    result = api.scan(options, gate)
    write_reports(result, targets)
    _publish(result, targets, annotate, step_summary)
    if evidence_password:
        os.environ["PGPASSWORD"] = evidence_password  # libpq's own variable; never printed
    receipt = api.record_evidence(result, options, evidence_url or None, evidence_key or None)
    if receipt is not None:
        click.echo(f"soc2gate: evidence record #{receipt.seq} ({receipt.hash}) appended to chain "
                   f"{receipt.chain!r} of {receipt.path}", err=True)
    ctx.exit(0 if soft_fail else result.exit_code)


def _publish(result: Result, targets: dict[str, str], annotate: bool, step_summary: bool) -> None:
    click.echo(api.render(result, "text"), nl=False)
    if annotate:
        for annotation in annotations_of(result):
            click.echo(annotation.command())
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY", "")
    if step_summary and summary_path:
        _append(summary_path, api.render(result, "markdown"), "GITHUB_STEP_SUMMARY")
    output_path = os.environ.get("GITHUB_OUTPUT", "")
    if output_path:
        write_github_output(output_path, step_outputs(result, targets))
    sys.stdout.flush()
