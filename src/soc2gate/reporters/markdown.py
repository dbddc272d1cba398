"""Markdown summary for a pull-request reviewer (GitHub step summary, MR comment).

Verdict, then the change-management (CC8.1) checklist first when a change record was evaluated,
one table row per SOC 2 criterion with outcomes, failures grouped by policy (change-record
policies first) with file:line, message and remediation, problems, inconclusive outcomes
(change records first) and exceptions (waived findings).
The text stays under ``MAX_BYTES`` (GitHub's 1 MiB step-summary limit): once the budget is
spent, the remaining findings are counted in a closing note instead of being shown.
"""

from __future__ import annotations

from collections import OrderedDict

from soc2gate.model import Finding, Outcome, Policy, Result, severity_rank
from soc2gate.reporters.summary import control_summaries, diagnostics

MAX_BYTES = 1024 * 1024
RESERVE = 4096  # room for the truncation note and the footer
ICON = {"passed": "✅", "failed": "❌", "inconclusive": "⚠️", "no resources": "➖", "not tested": "➖"}


def inline(text: str) -> str:
    """Text safe inside a table cell or list item: one line, no HTML, no column breaks."""
    cleaned = " ".join(str(text).split())
    return cleaned.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def code(text: str) -> str:
    """Inline code that survives backticks in the text."""
    cleaned = " ".join(str(text).split()).replace("|", "\\|")
    fence = "`"
    while fence in cleaned:
        fence += "`"
    return f"{fence} {cleaned} {fence}" if cleaned.startswith("`") or cleaned.endswith("`") else f"{fence}{cleaned}{fence}"


def block(text: str) -> str:
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}\n{text.rstrip()}\n{fence}"


def where(finding: Finding) -> str:
    """`file:line`, or the change record's address (its file is the CI event, not a repository file)."""
    if finding.surface == "change" or not (finding.span and finding.span.file):
        return code(finding.resource or "-")
    return code(finding.span.location())


class Budget:
    """Collects blocks until the byte budget is spent, then counts the findings left out."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.size = 0
        self.omitted = 0
        self.full = False

    def add(self, text: str, findings: int = 0) -> None:
        size = len(text.encode("utf-8")) + 1
        if self.full or self.size + size > self.limit:
            self.full = True
            self.omitted += findings
            return
        self.parts.append(text)
        self.size += size


def _verdict(result: Result) -> str:
    counts = result.counts()
    icon, word = ("✅", "passed") if result.passed else ("❌", "failed")
    strict = ", strict" if result.strict else ""
    config = result.extras.get("config_file") or "defaults"
    return (f"## {icon} soc2gate: gate {word}\n\n"
            f"**{len(result.blocking())} blocking** · {counts['fail']} failed · {counts['error']} errors · "
            f"{counts['inconclusive']} inconclusive · "
            f"{counts['waived']} waived · {counts['pass']} passed — fail-on `{result.fail_on}`{strict}, "
            f"{len(result.policies)} policies, {len(result.inputs)} files, config `{config}` "
            f"(one finding = one (policy, resource) outcome)\n")


def _control_table(result: Result) -> str:
    rows = ["| Criterion | Title | Passed | Failed | Inconclusive | Waived | Status |",
            "| --- | --- | --: | --: | --: | --: | --- |"]
    quiet = 0
    for summary in control_summaries(result):
        if not summary.findings:
            quiet += 1
            continue
        counts = summary.counts
        title = summary.control.title + (f" ({summary.org_label})" if summary.org else "")
        rows.append(f"| {summary.control.id} | {inline(title)} | {counts['pass']} | "
                    f"{counts['fail'] + counts['error']} | {counts['inconclusive']} | {counts['waived']} | "
                    f"{ICON.get(summary.status, '')} {summary.status} |")
    if len(rows) == 2:
        return f"### SOC 2 criteria\n\nNo resource was evaluated against any of the {quiet} criteria in scope.\n"
    note = f"\n{quiet} other criteria in scope had no evaluated resources.\n" if quiet else ""
    return "### SOC 2 criteria\n\n" + "\n".join(rows) + "\n" + note


def _by_policy(findings: list[Finding]) -> "OrderedDict[str, list[Finding]]":
    grouped: OrderedDict[str, list[Finding]] = OrderedDict()
    ordered = sorted(findings, key=lambda f: (f.surface != "change", -severity_rank(f.severity), f.policy_id))
    for finding in ordered:
        grouped.setdefault(finding.policy_id, []).append(finding)
    return grouped


def _failures(result: Result, budget: Budget) -> None:
    failures = result.by_outcome(Outcome.FAIL)
    if not failures:
        return
    policies = {p.id: p for p in result.policies}
    budget.add(f"### Failures ({len(failures)})\n")
    for policy_id, findings in _by_policy(failures).items():
        policy = policies.get(policy_id)
        title = inline(policy.title) if policy else ""
        note = _quiet_note(result, findings)
        criteria = ", ".join(findings[0].controls)
        budget.add(f"#### {policy_id} · {findings[0].severity} · {title}\n\nCriteria: {criteria}{note}\n")
        for finding in findings:
            mark = f"*{finding.baseline}* " if finding.baseline else ""
            budget.add(f"- {where(finding)} {mark}{inline(finding.message)}", findings=1)
        if policy is not None and policy.remediation:
            budget.add(f"\n<details><summary>Remediation for {policy_id}</summary>\n\n"
                       f"{block(policy.remediation)}\n\n</details>\n")


def _quiet_note(result: Result, findings: list[Finding]) -> str:
    """Why a group of failures does not fail the gate, if it does not."""
    if any(result.verdict.blocks(f) for f in findings):
        return ""
    if all(f.baseline == "existing" for f in findings) and result.verdict.gate == "new":
        return " — existing before this change, does not fail the gate (gate `new`)"
    return f" — below fail-on `{result.fail_on}`, does not fail the gate"


def _introduced(result: Result, budget: Budget) -> None:
    """What the change introduces and what it fixes, first (when compared with a base)."""
    comparison = result.extras.get("comparison")
    if not comparison:
        return
    new = [f for f in result.findings if f.baseline == "new"]
    existing = sum(1 for f in result.findings if f.baseline == "existing")
    base = comparison.get("diff_base", {}).get("commit", "")[:12] or "the baseline file"
    budget.add(f"### Introduced by this change ({len(new)})\n\nCompared with {code(base)}, gate `{result.verdict.gate}`: "
               f"{len(new)} new, {existing} existing (still reported below and in the evidence), "
               f"{len(result.fixed)} fixed.\n")
    for finding in sorted(new, key=lambda f: -severity_rank(f.severity)):
        state = "❌" if result.verdict.blocks(finding) else "⚠️"
        budget.add(f"- {state} {where(finding)} **{finding.policy_id}** ({finding.severity}) "
                   f"{inline(finding.message)}", findings=1)
    if result.fixed:
        budget.add(f"\n### Fixed by this change ({len(result.fixed)})\n")
        for finding in result.fixed:
            budget.add(f"- ✅ {where(finding)} **{finding.policy_id}** ({finding.severity}) "
                       f"{inline(finding.message)}", findings=1)
    budget.add("")


def _listing(title: str, findings: list[Finding], budget: Budget) -> None:
    if not findings:
        return
    budget.add(f"### {title} ({len(findings)})\n")
    for finding in findings:
        budget.add(f"- {where(finding)} **{finding.policy_id}** ({finding.severity}) {inline(finding.message)}",
                   findings=1)
    budget.add("")


def _exceptions(result: Result, budget: Budget) -> None:
    waived = result.by_outcome(Outcome.WAIVED)
    if not waived:
        return
    budget.add(f"### Exceptions ({len(waived)} waived)\n\n"
               "| Policy | Resource | Location | Reason | Approved by | Ticket | Expires |\n"
               "| --- | --- | --- | --- | --- | --- | --- |")
    for finding in waived:
        w = finding.waiver
        cells = [inline(w.reason), inline(w.approved_by), inline(w.ticket or "-"), inline(w.expires)] if w else \
            ["(no waiver recorded)", "-", "-", "-"]
        budget.add(f"| {finding.policy_id} | {inline(finding.resource)} | {where(finding)} | " + " | ".join(cells) + " |",
                   findings=1)
    budget.add("")


def _checklist_item(record: str, findings: list[Finding], policy: Policy | None) -> str:
    """One requirement of one change record: ticked when every finding of its policy passed or was waived."""
    first = findings[0]
    name = inline(policy.requirement or policy.title) if policy else first.policy_id
    open_items = [f for f in findings if f.outcome not in (Outcome.PASS, Outcome.WAIVED)]
    if not open_items:
        waived = [f for f in findings if f.outcome is Outcome.WAIVED and f.waiver is not None]
        note = f" — waived: {inline(waived[0].waiver.reason)}" if waived else ""  # type: ignore[union-attr]
        return f"- [x] {name} ({first.policy_id}){note}"
    messages = dict.fromkeys(f.message.removeprefix(f"{record}: ") for f in open_items)
    outcome = "fail" if any(f.outcome in (Outcome.FAIL, Outcome.ERROR) for f in open_items) else open_items[0].outcome.value
    return f"- [ ] {name} ({first.policy_id}) — {outcome}: {inline('; '.join(messages))}"


def _checklist(result: Result, budget: Budget) -> None:
    changes = [f for f in result.findings if f.surface == "change"]
    if not changes:
        return
    policies = {p.id: p for p in result.policies}
    order = {p.id: i for i, p in enumerate(result.policies)}
    records: OrderedDict[str, OrderedDict[str, list[Finding]]] = OrderedDict()
    for finding in changes:
        records.setdefault(finding.resource, OrderedDict()).setdefault(finding.policy_id, []).append(finding)
    budget.add("### Change-management checklist\n")
    for record, by_policy in records.items():
        ids = sorted(by_policy, key=lambda pid: order.get(pid, len(order)))
        lines = [_checklist_item(record, by_policy[pid], policies.get(pid)) for pid in ids]
        budget.add(f"**{inline(record)}**\n\n" + "\n".join(lines) + "\n", findings=sum(map(len, by_policy.values())))


def _footer(result: Result) -> str:
    return (f"<sub>soc2gate {inline(result.tool_version)} · SOC 2 categories in scope: "
            f"{', '.join(result.categories)} · policy bundle {code(result.bundle_digest[:19])} · "
            f"config {code(result.config_digest[:19])}</sub>\n")


def render(result: Result, limit: int = MAX_BYTES) -> str:
    budget = Budget(max(limit - RESERVE, 0))
    budget.add(_verdict(result))
    _introduced(result, budget)
    _checklist(result, budget)
    budget.add(_control_table(result))
    _failures(result, budget)
    _listing("Problems with the inputs or policies", diagnostics(result), budget)
    inconclusive = result.by_outcome(Outcome.INCONCLUSIVE)
    _listing("Inconclusive", sorted(inconclusive, key=lambda f: f.surface != "change"), budget)
    _exceptions(result, budget)
    if budget.full:
        budget.parts.append(f"\n> **Truncated:** {budget.omitted} more findings are not shown to stay under "
                            "GitHub's 1 MiB step-summary limit; the SARIF, JUnit and JSON reports list every finding.\n")
    budget.parts.append(_footer(result))
    return "\n".join(budget.parts)
