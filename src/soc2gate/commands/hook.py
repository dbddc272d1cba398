"""``soc2gate hook FILE...``: the pre-commit entry point.

pre-commit passes the staged files.  A Terraform file is evaluated together with every
``.tf``/``.tf.json``/``.tfvars`` file of its module directory (not recursively), so
references into files that are not staged resolve exactly as in a scan of that module;
only findings located in the given files are reported (a changed ``.tfvars`` file stands
for every Terraform file of its module), and the verdict is recomputed over them with
the Result's verdict.  ``--whole-module`` reports every finding of the touched modules.
Errors (SYS-nnn) are always reported: they mean the module could not be evaluated.
A YAML or JSON file that is neither a Kubernetes manifest, a plan nor a change record is
listed as skipped rather than failing the commit; config ``exclude`` patterns apply.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import click

MODULE_KINDS = ("terraform", "tfvars")


@dataclass
class HookPlan:
    """What to scan and which files' findings to report."""

    scan: list[str] = field(default_factory=list)
    report: set[Path] = field(default_factory=set)
    documents: set[Path] = field(default_factory=set)
    excluded: list[str] = field(default_factory=list)
    context: set[Path] = field(default_factory=set)  # read only as context of staged manifests
    renders: set[Path] = field(default_factory=set)  # staged kustomizations / charts: all they render


def module_files(directory: Path) -> list[Path]:
    """The Terraform and variable files directly in ``directory``, sorted."""
    from soc2gate.discovery import classify

    try:
        entries = sorted(directory.iterdir())
    except OSError:
        return []
    return [p for p in entries if p.is_file() and classify(p.name) in MODULE_KINDS]


def plan_hook(filenames: tuple[str, ...], excludes: tuple[str, ...], whole_module: bool) -> HookPlan:
    from soc2gate.discovery import classify, display_path

    plan = HookPlan()
    modules: dict[Path, list[Path]] = {}
    for name in filenames:
        path = Path(name)
        if any(fnmatch.fnmatch(display_path(path), pattern) for pattern in excludes):
            plan.excluded.append(name)
            continue
        kind = classify(path.name)
        if kind not in MODULE_KINDS:
            _add_document(plan, path, kind, excludes)
            continue
        files = modules.setdefault(path.parent, module_files(path.parent))
        for member in [path, *files]:  # the given file first: a missing one must fail, not vanish
            _add(plan.scan, str(member))
        report_all = whole_module or kind == "tfvars"
        plan.report.update(m.resolve() for m in files if report_all and classify(m.name) == "terraform")
        plan.report.add(path.resolve())
    return plan


def _add_document(plan: HookPlan, path: Path, kind: str | None, excludes: tuple[str, ...]) -> None:
    """A staged YAML/JSON file, with the manifests around it as context (commands/hook_context.py)."""
    from soc2gate.commands.hook_context import manifest_scan, stands_for_render

    plan.report.add(path.resolve())
    if kind not in ("yaml", "json") or not path.is_file():
        _add(plan.scan, str(path))  # a missing or unsupported file must fail, not vanish
        return
    plan.documents.add(path.resolve())
    scan, context, stands_for = manifest_scan(path, excludes, Path.cwd())
    for item in scan:
        _add(plan.scan, item)
    plan.context.update(context)
    if stands_for is not None:
        plan.report.add(stands_for)
        if stands_for_render(path, stands_for):
            plan.renders.add(stands_for)


def _add(items: list[str], item: str) -> None:
    if item not in items:
        items.append(item)


def _reported(finding: Any, plan: HookPlan) -> bool:
    from soc2gate.model import Outcome

    located = Path(finding.span.file).resolve() if finding.span is not None else None
    if located in plan.context and located not in plan.report:
        return False  # a context manifest never fails the commit of another file
    if finding.outcome is Outcome.ERROR:
        return True
    if any(Path(r).resolve() in plan.renders for r in finding.related.get("rendered_by") or ()):
        return True
    return finding.span is not None and Path(finding.span.file).resolve() in plan.report


def _not_a_document(finding: Any, plan: HookPlan) -> bool:
    """SYS-005 on a YAML/JSON file that exists but holds nothing soc2gate evaluates."""
    return (finding.policy_id == "SYS-005" and finding.span is not None
            and Path(finding.span.file).resolve() in plan.documents)


def filter_result(result: Any, plan: HookPlan, gate: Any) -> Any:
    """The Result restricted to the given files, with its verdict recomputed."""
    from soc2gate import api
    from soc2gate.model import Skipped

    skipped = list(result.skipped) + [Skipped(n, "excluded by configuration") for n in plan.excluded]
    findings = []
    for finding in result.findings:
        if _not_a_document(finding, plan):
            skipped.append(Skipped(finding.span.file, "not a Kubernetes manifest, plan or change record"))
        elif _reported(finding, plan):
            findings.append(finding)
    return replace(result, findings=tuple(findings), skipped=tuple(skipped))


def check_files(options: Any, filenames: tuple[str, ...], whole_module: bool) -> tuple[HookPlan, Any]:
    """Plan, scan and filter; the Result is None when every file is excluded by configuration."""
    from soc2gate import api

    gate = api.Gate.load(replace(options, paths=tuple(filenames)))  # config found from the staged files up
    plan = plan_hook(filenames, tuple(gate.config.get("exclude", [])), whole_module)
    if not plan.scan:
        return plan, None
    # the staged files may hold nothing to evaluate (a non-manifest YAML): that is reported as skipped, not a failure
    result = api.scan(replace(options, paths=tuple(plan.scan), allow_empty=True), gate)
    return plan, filter_result(result, plan, gate)


@click.command()
@click.argument("filenames", nargs=-1)
@click.option("--config", "config_path", default=None, help="Configuration file (default: ./.soc2gate.yaml).")
@click.option("--fail-on", type=click.Choice(["info", "low", "medium", "high", "critical"]), default=None)
@click.option("--controls", default="", help="Only policies evidencing these criteria, e.g. CC6.1,CC8.1.")
@click.option("--policy-dir", "policy_dirs", multiple=True, help="Add a directory of policies (repeatable).")
@click.option("--whole-module", is_flag=True, help="Report every finding of the touched Terraform modules.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown", "sarif", "junit"]), default="text")
@click.pass_context
def command(ctx: click.Context, filenames: tuple[str, ...], config_path: str | None, fail_on: str | None,
            controls: str, policy_dirs: tuple[str, ...], whole_module: bool, fmt: str) -> None:
    """Check the files pre-commit passes (each Terraform file within its module)."""
    from soc2gate import api
    from soc2gate.reporters import get_renderer

    if not filenames:
        ctx.exit(0)
    options = api.ScanOptions(config_path=config_path, fail_on=fail_on, policy_dirs=policy_dirs,
                              controls=tuple(c.strip() for c in controls.split(",") if c.strip()))
    plan, result = check_files(options, filenames, whole_module)
    if result is None:
        click.echo(f"soc2gate: all {len(plan.excluded)} files are excluded by configuration")
        ctx.exit(0)
    click.echo(get_renderer(fmt)(result), nl=False)
    for item in result.skipped:
        if Path(item.path).resolve() in plan.report:
            click.echo(f"soc2gate: skipped {item.path}: {item.reason}", err=True)
    ctx.exit(result.exit_code)
