"""JUnit XML: one <testsuite> per SOC 2 criterion, one <testcase> per (policy, resource).

Valid against the Jenkins xUnit junit-10.xsd: testcase attributes are limited to
name/classname/time, so policy, severity and controls of a testcase are written in its
<system-out>; each suite carries the criterion as <properties>.
"""

from __future__ import annotations

from collections import OrderedDict

from soc2gate.model import Finding, Outcome, Result
from soc2gate.reporters.summary import control_summaries, diagnostics, policy_titles


def _case_key(finding: Finding) -> tuple[str, str, str]:
    return (finding.policy_id, finding.resource, finding.span.file if finding.span else "")


def _cases(findings: list[Finding]) -> "OrderedDict[tuple[str, str, str], list[Finding]]":
    grouped: OrderedDict[tuple[str, str, str], list[Finding]] = OrderedDict()
    for finding in findings:
        grouped.setdefault(_case_key(finding), []).append(finding)
    return grouped


def _testcase(findings: list[Finding], titles: dict[str, str], requirements: dict[str, str] | None = None):
    from junit_xml import TestCase

    first = findings[0]
    details = [f"policy={first.policy_id} severity={first.severity} controls={','.join(first.controls)}",
               f"title={titles.get(first.policy_id, '')}"]
    requirement = (requirements or {}).get(first.policy_id, "")
    name = f"{requirement}: {first.resource}" if first.surface == "change" and requirement else first.resource
    case = TestCase(name=name, classname=first.policy_id)
    failures = [f for f in findings if f.outcome is Outcome.FAIL]
    errors = [f for f in findings if f.outcome is Outcome.ERROR]
    skipped = [f for f in findings if f.outcome in (Outcome.WAIVED, Outcome.INCONCLUSIVE)]
    if failures:
        case.add_failure_info(message=failures[0].message, output=_locations(failures), failure_type=first.severity)
    elif errors:
        case.add_error_info(message=errors[0].message, output=_locations(errors), error_type=first.policy_id)
    elif skipped:
        case.add_skipped_info(message=_skip_message(skipped[0]), output=_locations(skipped))
    details.extend(f"{f.outcome.value}{f' ({f.baseline})' if f.baseline else ''}: "
                   f"{f.span.location() if f.span else '-'} {f.message}" for f in findings)
    case.stdout = "\n".join(details)
    return case


def _skip_message(finding: Finding) -> str:
    waiver = finding.waiver
    if finding.outcome is Outcome.WAIVED and waiver is not None:
        ticket = f"{waiver.ticket}, " if waiver.ticket else ""
        return f"waived: {waiver.reason} ({ticket}approved by {waiver.approved_by}, expires {waiver.expires})"
    return f"inconclusive: {finding.message}"


def _locations(findings: list[Finding]) -> str:
    return "\n".join(f"{f.span.location() if f.span else '-'}: {f.message}" for f in findings)


def render(result: Result) -> str:
    from junit_xml import TestSuite, to_xml_report_string

    titles = policy_titles(result)
    suites = []
    for summary in control_summaries(result):
        if not summary.findings:
            continue
        requirements = {p.id: p.requirement for p in result.policies}
        cases = [_testcase(group, titles, requirements) for group in _cases(summary.findings).values()]
        properties = {"soc2.control": summary.control.id, "soc2.title": summary.control.title,
                      "soc2.category": summary.control.category, "soc2gate.policies": ",".join(summary.policies),
                      "soc2gate.scope": ",".join(result.categories), **_units(summary.findings, result),
                      **({"org.controls": summary.org_label} if summary.org else {})}
        suites.append(TestSuite(f"{summary.control.id} {summary.control.title}", cases, properties=properties))
    problems = diagnostics(result)
    if problems:
        cases = [_testcase(group, titles) for group in _cases(problems).values()]
        suites.append(TestSuite("soc2gate: inputs and policies", cases,
                                properties={"soc2gate.version": result.tool_version, **_units(problems, result)}))
    return _jenkins_compatible(to_xml_report_string(suites, prettyprint=False, encoding="utf-8"))


def _units(findings: list[Finding], result: Result) -> dict[str, str]:
    """How this suite's numbers reconcile with text/JSON: a testcase is one (policy, resource) checked
    for this criterion; a finding counted in text/JSON appears in one suite per criterion it evidences."""
    distinct = len(findings)
    return {"soc2gate.unit": "testcase = one (policy, resource) for this criterion; text/JSON count each "
                             "finding once, here once per criterion it evidences",
            "soc2gate.findings": str(distinct),
            "soc2gate.findings.failing": str(sum(1 for f in findings if f.outcome is Outcome.FAIL)),
            "soc2gate.run.findings": str(sum(1 for f in result.findings if f.outcome is not Outcome.PASS)),
            "soc2gate.run.blocking": str(len(result.blocking())),
            "soc2gate.config": str(result.extras.get("config_file") or "defaults")}


def _jenkins_compatible(xml: str) -> str:
    """Drop the `disabled` attribute junit-xml writes; the Jenkins junit-10.xsd does not allow it."""
    from xml.etree import ElementTree

    root = ElementTree.fromstring(xml.encode("utf-8"))
    for element in [root, *root.iter("testsuite")]:
        element.attrib.pop("disabled", None)
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(root, encoding="unicode") + "\n"
