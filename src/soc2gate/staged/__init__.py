"""The files pre-commit passes: which to scan, and whose findings to report.

A Terraform file is evaluated together with every ``.tf``/``.tf.json``/``.tfvars`` file of its
module directory (not recursively), so references into files that are not staged resolve
exactly as in a scan of that module; only findings located in the given files are reported (a
changed ``.tfvars`` file stands for every Terraform file of its module).  Errors (SYS-nnn) are
always reported: they mean the module could not be evaluated.  A YAML or JSON file that is
neither a Kubernetes manifest, a plan nor a change record is listed as skipped; configuration
``exclude`` patterns apply.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field, replace
from pathlib import Path

from soc2gate.discovery import classify, display_path
from soc2gate.model import Finding, Outcome, Result, Skipped
from soc2gate.staged.context import manifest_scan, stands_for_render

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
    try:
        entries = sorted(directory.iterdir())
    except OSError:
        return []
    return [p for p in entries if p.is_file() and classify(p.name) in MODULE_KINDS]


def plan_hook(filenames: tuple[str, ...], excludes: tuple[str, ...], whole_module: bool) -> HookPlan:
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
    """A staged YAML/JSON file, with the manifests around it as context (staged/context.py)."""
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


def _reported(finding: Finding, plan: HookPlan) -> bool:
    located = Path(finding.span.file).resolve() if finding.span is not None else None
    if located in plan.context and located not in plan.report:
        return False  # a context manifest never fails the commit of another file
    if finding.outcome is Outcome.ERROR:
        return True
    if any(Path(r).resolve() in plan.renders for r in finding.related.get("rendered_by") or ()):
        return True
    return finding.span is not None and Path(finding.span.file).resolve() in plan.report


def _not_a_document(finding: Finding, plan: HookPlan) -> bool:
    """SYS-005 on a YAML/JSON file that exists but holds nothing soc2gate evaluates."""
    return (finding.policy_id == "SYS-005" and finding.span is not None
            and Path(finding.span.file).resolve() in plan.documents)


def filter_result(result: Result, plan: HookPlan) -> Result:
    """The Result restricted to the given files (its verdict follows the findings kept)."""
    skipped = list(result.skipped) + [Skipped(n, "excluded by configuration") for n in plan.excluded]
    findings = []
    for finding in result.findings:
        if _not_a_document(finding, plan) and finding.span is not None:
            skipped.append(Skipped(finding.span.file, "not a Kubernetes manifest, plan or change record"))
        elif _reported(finding, plan):
            findings.append(finding)
    return replace(result, findings=tuple(findings), skipped=tuple(skipped))
