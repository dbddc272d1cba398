"""One finding as the text report shows it: a row of aligned cells (status, severity, policy,
location, resource, criteria inline) and, in the full layout, the lines under it (message, module
call site, code snippet)."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from soc2gate.model import SEVERITIES, Finding

Snippets = Mapping[tuple[str, int], Sequence[tuple[int, str]]]
STATUS_STYLE = {"fail": "fail", "error": "fail", "inconclusive": "inconclusive", "waived": "waived", "pass": "pass"}


def order(finding: Finding) -> tuple:
    """Severity (highest first), then file, line, policy and resource."""
    rank = SEVERITIES.index(finding.severity) if finding.severity in SEVERITIES else -1
    span = finding.span
    return (-rank, span.file if span else "", span.start_line if span else 0, finding.policy_id, finding.resource)


def location(finding: Finding) -> str:
    placed = finding.related.get("location") if finding.surface == "change" else None
    if isinstance(placed, dict) and placed.get("file"):
        return f"{placed['file']}:{placed.get('line') or 1}"
    return finding.span.location() if finding.span else "-"


def status(finding: Finding, blocking: bool) -> str:
    label = finding.outcome.value.upper()
    return f"{label} {finding.baseline}" if finding.baseline in ("new", "existing") else label


def cells(finding: Finding, blocking: bool, with_message: bool) -> list[tuple[str, str]]:
    row = [(status(finding, blocking), STATUS_STYLE.get(finding.outcome.value, "")),
           (finding.severity, finding.severity), (finding.policy_id, "bold"), (location(finding), ""),
           (finding.resource, ""), (",".join(finding.controls) or "-", "dim")]
    if with_message:
        row.append((_one_line(finding) + _via_suffix(finding), ""))
    return row


def details(finding: Finding, snippets: Snippets | None) -> list[str]:
    """The lines printed under a finding's row in the full layout."""
    lines = [f"      {_one_line(finding)}"]
    chain = call_chain(finding)
    if chain:
        lines.append(f"      via {chain}")
    rendered = finding.related.get("rendered_by")
    if isinstance(rendered, (list, tuple)) and rendered:
        lines.append(f"      rendered by {', '.join(str(r) for r in rendered)}")
    if snippets and finding.span is not None:
        for number, text in snippets.get((finding.span.file, finding.span.start_line), ()):
            marker = ">" if number == finding.span.start_line else " "
            lines.append(f"      {marker} {number:>5} | {text}".rstrip())
    return lines


def call_chain(finding: Finding) -> str:
    """``module.vpc (main.tf:12) -> aws_vpc.this (.terraform/modules/vpc/main.tf:28)`` when the finding
    carries the module call sites of its resource (``related["call_sites"]``)."""
    sites = finding.related.get("call_sites")
    if not isinstance(sites, (list, tuple)) or not sites:
        return ""
    steps = [_site(site) for site in sites]
    local = finding.resource.rsplit(".", 2)
    leaf = ".".join(local[-2:]) if len(local) >= 2 else finding.resource
    return " -> ".join([s for s in steps if s] + [f"{leaf} ({location(finding)})"])


def _site(site: Any) -> str:
    if isinstance(site, str):
        return site
    if not isinstance(site, dict):
        return ""
    address = site.get("address") or site.get("module") or "module"
    where = site.get("file", "")
    if where and site.get("line"):
        where = f"{where}:{site['line']}"
    return f"{address} ({where})" if where else str(address)


def _via_suffix(finding: Finding) -> str:
    sites = finding.related.get("call_sites")
    rendered = finding.related.get("rendered_by")
    if isinstance(sites, (list, tuple)) and sites:
        return f" (via {_site(sites[0])})"
    if isinstance(rendered, (list, tuple)) and rendered:
        more = f" +{len(rendered) - 1}" if len(rendered) > 1 else ""
        return f" (rendered by {rendered[0]}{more})"
    return ""


def _one_line(finding: Finding) -> str:
    return " ".join(finding.message.split())
