"""Human-readable report: each finding once with its criteria inline, what blocks the gate apart from
what does not, a remediation hint once per policy, and a verdict line that counts blocking findings
first.  Layouts: ``full`` (default), ``compact`` (one line per finding, no hints), ``quiet`` (blocking
findings and the verdict).  Whether a finding blocks is decided by ``result.verdict`` only."""

from __future__ import annotations

from soc2gate.model import Finding, Outcome, Result
from soc2gate.reporters import text_rows as rows
from soc2gate.reporters.summary import control_summaries
from soc2gate.reporters.text_style import paint, table

LAYOUTS: tuple[str, ...] = ("full", "compact", "quiet")
UNIT = "one finding per (policy, resource)"


def render(result: Result, color: bool = False, layout: str = "full",
           snippets: rows.Snippets | None = None) -> str:
    if layout not in LAYOUTS:
        raise ValueError(f"unknown text layout {layout!r}; known: {', '.join(LAYOUTS)}")
    blocking = sorted(result.blocking(), key=rows.order)
    blocking_ids = {id(f) for f in blocking}
    others = sorted((f for f in result.findings if f.outcome is not Outcome.PASS and id(f) not in blocking_ids),
                    key=rows.order)
    lines: list[str] = [] if layout == "quiet" else [_header(result, color), ""]
    lines += _section(f"Blocking the gate ({len(blocking)})", blocking, True, layout, color, snippets)
    if layout != "quiet":
        lines += _section(f"Not blocking ({len(others)}): below fail-on, inconclusive, waived or accepted",
                          others, False, layout, color, snippets)
        lines += _org_legend(result, blocking + others, color)
        lines += _skipped(result, color) + _uncovered(result, color, layout)
    if layout == "full":
        lines += _hints(blocking + others, result, color)
    if result.notes and layout != "quiet":
        lines.append(paint("Warnings", "bold", color))
        lines.extend(f"  {paint('WARNING', 'inconclusive', color)} {note}" for note in result.notes)
        lines.append("")
    if layout != "quiet":
        lines += _compared(result, color)
    lines.append(verdict_line(result, color))
    return "\n".join(lines) + "\n"


def _compared(result: Result, color: bool) -> list[str]:
    """Compared with a base revision or baseline file: what the change fixed, and the tally."""
    comparison = result.extras.get("comparison")
    if not comparison:
        return []
    lines = [paint(f"Fixed by this change ({len(result.fixed)})", "bold", color)] if result.fixed else []
    lines += [f"  FIXED  {f.severity:<8} {f.policy_id:<8} {rows.location(f)}  {f.resource}" for f in result.fixed]
    counts = comparison.get("counts", {})
    base = comparison.get("diff_base", {}).get("commit", "")[:12] or "the baseline file"
    lines.append(f"Compared with {base}: {counts.get('new', 0)} new, {counts.get('existing', 0)} existing, "
                 f"{counts.get('fixed', 0)} fixed (gate: {result.verdict.gate})")
    return lines + [""]


def _header(result: Result, color: bool) -> str:
    config = result.extras.get("config_file") or "defaults"
    strict = ", strict" if result.strict else ""
    return (paint(f"soc2gate {result.tool_version}", "bold", color)
            + f"  config: {config}  fail-on: {result.fail_on}{strict}  categories: {', '.join(result.categories)}")


def _section(title: str, findings: list[Finding], blocking: bool, layout: str, color: bool,
             snippets: rows.Snippets | None) -> list[str]:
    if not findings:
        return []
    style = "fail" if blocking else "bold"
    compact = layout != "full"
    lines = table([rows.cells(f, blocking, compact) for f in findings], color)
    out = [paint(title, style, color)]
    for finding, line in zip(findings, lines):
        out.append(line)
        if not compact:
            out.extend(rows.details(finding, snippets))
    return out + [""]


ORDINARY_SKIP = "not an input type soc2gate reads"


def _org_legend(result: Result, findings: list[Finding], color: bool) -> list[str]:
    """The organisation's controls (``controls_map``) beside each criterion the shown findings name."""
    named = {c for f in findings for c in f.controls}
    mapped = [s for s in control_summaries(result) if s.org and s.control.id in named]
    if not mapped:
        return []
    lines = [f"  {s.control.id} {s.control.title} [{s.org_label}]" for s in mapped]
    return [paint("Criteria and your controls", "bold", color), *lines, ""]


def _skipped(result: Result, color: bool) -> list[str]:
    """Every path the run did not evaluate, with why (files of other types are only counted)."""
    if not result.skipped:
        return []
    notable = [s for s in result.skipped if s.reason != ORDINARY_SKIP]
    others = len(result.skipped) - len(notable)
    lines = [paint("Not evaluated", "bold", color)]
    lines.extend(f"  {s.path}: {s.reason}" for s in notable)
    if others:
        lines.append(f"  and {others} file(s) of other types (listed in the JSON report)")
    return lines + [""]


def uncovered(result: Result) -> list[dict]:
    """Resource types no selected policy covers, with how many resources of each (``extras``)."""
    items = result.extras.get("uncovered") or []
    return [dict(item) for item in items if isinstance(item, dict)]


def _uncovered(result: Result, color: bool, layout: str) -> list[str]:
    items = uncovered(result)
    if not items:
        return []
    total = sum(int(i.get("count", 0)) for i in items)
    head = paint(f"Not covered by any policy: {total} resources of {len(items)} types "
                 "(0 findings on them does not mean compliant)", "inconclusive", color)
    if layout != "full":
        return [head, ""]
    return [head, *table([[(str(i.get("type")), ""), (str(i.get("count")), "dim")] for i in items], color), ""]


def _hints(findings: list[Finding], result: Result, color: bool) -> list[str]:
    policies = {p.id: p for p in result.policies}
    seen: list[str] = []
    for finding in findings:
        if finding.policy_id in policies and finding.policy_id not in seen:
            seen.append(finding.policy_id)
    if not seen:
        return []
    out = [paint("How to fix (once per policy)", "bold", color)]
    for policy_id in seen:
        policy = policies[policy_id]
        pad = " " * (len(policy_id) + 2)
        out.append(f"  {paint(policy_id, 'bold', color)}  {policy.title}")
        example = [line.rstrip() for line in policy.remediation.strip("\n").splitlines()]
        out.extend(f"  {pad}| {line}".rstrip() for line in example[:HINT_LINES])
        if len(example) > HINT_LINES:
            out.append(f"  {pad}| …")
        out.append(f"  {pad}details: soc2gate policies show {policy_id} · docs/policies.md#{_anchor(policy)}")
    return out + [""]


HINT_LINES = 6


def _anchor(policy) -> str:  # type: ignore[no-untyped-def]
    """The GitHub anchor of the policy's heading in docs/policies.md (``## ID: title``)."""
    heading = f"{policy.id}: {policy.title}".lower()
    kept = "".join(ch for ch in heading if ch.isalnum() or ch in " -_")
    return kept.replace(" ", "-")


def verdict_line(result: Result, color: bool = False) -> str:
    """``FAILED: 3 blocking (…); 4 not blocking (…); …`` — blocking findings are always counted first."""
    blocking = result.blocking()
    blocking_ids = {id(f) for f in blocking}
    rest = [f for f in result.findings if f.outcome is not Outcome.PASS and id(f) not in blocking_ids]
    passed = sum(1 for f in result.findings if f.outcome is Outcome.PASS)
    resources = len({(f.resource, f.span.file if f.span else "") for f in result.findings if f.controls})
    covered_gap = sum(int(i.get("count", 0)) for i in uncovered(result))
    strict = ", strict" if result.strict else ""
    detail = (f"{len(blocking)} blocking{_breakdown(blocking, result)} at fail-on {result.fail_on}{strict}; "
              f"{len(rest)} not blocking{_breakdown(rest, result)}; {passed} passed; "
              f"{covered_gap} resources not covered by any policy; {len(result.skipped)} paths not evaluated; "
              f"{resources} resources, {len(result.policies)} policies, {len(result.inputs)} files "
              f"(unit: {UNIT})")
    word = paint("PASSED", "pass", color) if result.passed else paint("FAILED", "fail", color)
    return f"{word}: {detail}"


def _breakdown(findings: list[Finding], result: Result) -> str:
    labels: dict[str, int] = {}
    for finding in findings:
        label = _reason(finding, result)
        labels[label] = labels.get(label, 0) + 1
    ordered = sorted(labels.items(), key=lambda item: _LABELS.index(item[0]))
    return f" ({', '.join(f'{n} {_singular(label, n)}' for label, n in ordered)})" if labels else ""


def _singular(label: str, count: int) -> str:
    return label.replace("errors", "error") if count == 1 else label


_LABELS = ("failed", "errors", "inconclusive", "failed below fail-on", "accepted as existing", "waived",
           "errors allowed")


def _reason(finding: Finding, result: Result) -> str:
    if result.verdict.blocks(finding):
        return {"fail": "failed", "error": "errors", "inconclusive": "inconclusive"}[finding.outcome.value]
    if finding.outcome is Outcome.FAIL:
        accepted = result.verdict.gate == "new" and finding.baseline == "existing"
        return "accepted as existing" if accepted else "failed below fail-on"
    return {"error": "errors allowed", "inconclusive": "inconclusive", "waived": "waived"}[finding.outcome.value]
