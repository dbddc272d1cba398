"""Read ``checkov -o json`` output into plain results.

checkov prints one report object per framework (a list when several frameworks found
files), or a bare summary object when it found nothing to scan.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

OUTCOMES = {"passed_checks": "passed", "failed_checks": "failed", "skipped_checks": "skipped"}


@dataclass(frozen=True)
class CheckovResult:
    """One checkov check on one resource."""

    check_id: str
    check_name: str
    result: str          # passed | failed | skipped
    check_type: str      # terraform | terraform_plan | kubernetes | ...
    file: str            # absolute path as checkov reports it
    start_line: int
    end_line: int
    resource: str
    guideline: str = ""
    suppress_comment: str = ""

    @property
    def surface(self) -> str:
        return "kubernetes" if self.check_type in ("kubernetes", "helm", "kustomize") else "terraform"


def parse_output(stdout: bytes) -> tuple[list[CheckovResult], list[str], str]:
    """(results, files checkov could not parse, checkov version); ValueError if not checkov JSON."""
    try:
        document = json.loads(stdout.decode("utf-8", "replace") or "null")
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON at line {exc.lineno}: {exc.msg}") from None
    reports = document if isinstance(document, list) else [document]
    if not reports or not all(isinstance(r, dict) for r in reports):
        raise ValueError("expected a checkov report object or a list of them")
    results: list[CheckovResult] = []
    errors: list[str] = []
    version = ""
    for report in reports:
        if "results" not in report:
            if "passed" not in report:
                raise ValueError("a report has neither `results` nor a summary")
            version = version or str(report.get("checkov_version", ""))
            continue
        version = version or str((report.get("summary") or {}).get("checkov_version", ""))
        found, failed = _report(report)
        results.extend(found)
        errors.extend(failed)
    return results, errors, version


def _report(report: dict[str, Any]) -> tuple[list[CheckovResult], list[str]]:
    body = report.get("results") or {}
    check_type = str(report.get("check_type", ""))
    results = [_result(item, outcome, check_type)
               for key, outcome in OUTCOMES.items() for item in body.get(key) or [] if isinstance(item, dict)]
    errors = [str(p) for p in body.get("parsing_errors") or []]
    return results, errors


def _result(item: dict[str, Any], outcome: str, check_type: str) -> CheckovResult:
    lines = item.get("file_line_range") or [0, 0]
    check = found if isinstance(found := item.get("check_result"), dict) else {}
    return CheckovResult(
        check_id=str(item.get("check_id", "")),
        check_name=str(item.get("check_name", "")),
        result=outcome,
        check_type=check_type,
        file=str(item.get("file_abs_path") or item.get("file_path") or ""),
        start_line=int(lines[0] or 0),
        end_line=int(lines[-1] or 0),
        resource=str(item.get("resource", "")),
        guideline=str(item.get("guideline") or ""),
        suppress_comment=str(check.get("suppress_comment") or ""),
    )
