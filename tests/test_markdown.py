"""Markdown summary: verdict, per-criterion table, failures with remediation, exceptions, checklist, size cap."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from soc2gate.api import ScanOptions, scan
from soc2gate.model import Outcome, SourceSpan, Waiver
from soc2gate.reporters import get_renderer
from soc2gate.reporters.markdown import MAX_BYTES
from soc2gate.reporters.summary import control_summaries

REPO = Path(__file__).resolve().parent.parent
NO_ENCRYPTION = 'resource "aws_s3_bucket" "data" {\n  bucket = "acme-data"\n}\n'
ENCRYPTED = ('resource "aws_s3_bucket" "data" {\n  bucket = "acme-data"\n'
             '  server_side_encryption_configuration {\n    rule {\n'
             '      apply_server_side_encryption_by_default {\n        sse_algorithm = "aws:kms"\n'
             '      }\n    }\n  }\n}\n')
render = get_renderer("markdown")


def _scan(*paths: str, **options):
    return scan(ScanOptions(paths=paths, use_cache=False, **options))


def _table_rows(text: str) -> dict[str, list[str]]:
    rows = {}
    for line in text.splitlines():
        match = re.match(r"^\| ((?:CC|A|C|PI|P)\d+\.\d+) \|", line)
        if match:
            rows[match.group(1)] = [cell.strip() for cell in line.strip("|").split(" | ")]
    return rows


def test_failed_gate_summary_has_verdict_table_failures_and_remediation() -> None:
    result = _scan(str(REPO / "examples"))
    text = render(result)
    assert text.startswith("## ❌ soc2gate: gate failed")
    counts = result.counts()
    assert f"{counts['fail']} failed" in text and "blocking**" in text and f"{counts['pass']} passed" in text
    rows = _table_rows(text)
    for summary in control_summaries(result):
        if summary.findings:
            c = summary.counts
            expected = [str(c["pass"]), str(c["fail"] + c["error"]), str(c["inconclusive"]), str(c["waived"])]
            assert rows[summary.control.id][2:6] == expected
            assert rows[summary.control.id][6].endswith(summary.status)
        else:
            assert summary.control.id not in rows
    for failure in result.by_outcome(Outcome.FAIL):
        assert f"`{failure.span.location()}`" in text
    remediations = {p.id: p.remediation for p in result.policies}
    for policy_id in {f.policy_id for f in result.by_outcome(Outcome.FAIL)}:
        assert f"Remediation for {policy_id}" in text
        assert remediations[policy_id].splitlines()[0] in text


def _only(result, policy_id: str):
    """The result restricted to one policy, with the verdict recomputed."""
    findings = tuple(f for f in result.findings if f.policy_id == policy_id)
    return replace(result, findings=findings)


def test_passed_gate_and_failures_below_threshold(tmp_path: Path) -> None:
    (tmp_path / "ok.tf").write_text(ENCRYPTED)
    text = render(_only(_scan(str(tmp_path / "ok.tf")), "TF-001"))
    assert text.startswith("## ✅ soc2gate: gate passed") and "### Failures" not in text
    assert re.search(r"^\| CC6\.1 \| .* \| 1 \| 0 \| 0 \| 0 \| ✅ passed \|$", text, re.M)
    (tmp_path / "bad.tf").write_text(NO_ENCRYPTION)
    lenient = _only(_scan(str(tmp_path / "bad.tf"), fail_on="critical"), "TF-001")  # TF-001 is high
    text = render(lenient)
    assert text.startswith("## ✅ soc2gate: gate passed") and "### Failures (1)" in text
    assert "below fail-on `critical`, does not fail the gate" in text


def _one_failure(tmp_path: Path):
    (tmp_path / "main.tf").write_text(NO_ENCRYPTION)
    result = _scan(str(tmp_path / "main.tf"))
    return result, next(f for f in result.findings if f.outcome is Outcome.FAIL and f.policy_id == "TF-001")


def test_exceptions_list_waivers_with_escaped_cells(tmp_path: Path) -> None:
    result, failure = _one_failure(tmp_path)
    waiver = Waiver("TF-001", {"resource": "aws_s3_bucket.data"}, "Public | open <b>dataset</b>\nby design",
                    "alice@acme.example", "2030-01-01", ticket="SEC-42")
    waived = replace(failure, outcome=Outcome.WAIVED, waiver=waiver)
    text = render(replace(result, findings=(waived,)))
    assert "### Exceptions (1 waived)" in text
    row = next(line for line in text.splitlines() if line.startswith("| TF-001 |"))
    assert row.count(" | ") == 6  # seven cells: the pipe and newline in the reason did not split the row
    assert "Public \\| open &lt;b&gt;dataset&lt;/b&gt; by design" in row
    assert "alice@acme.example" in row and "SEC-42" in row and "2030-01-01" in row
    assert "`main.tf:1`" in row or f"`{failure.span.location()}`" in row


def test_change_management_checklist(tmp_path: Path) -> None:
    result, failure = _one_failure(tmp_path)
    base = result.policies[0]
    review = replace(base, id="CHG-901", surface="change", requirement="Peer review approved")
    ticket = replace(base, id="CHG-902", surface="change", requirement="Linked change ticket")
    span = SourceSpan("event.json", 1, 1)
    record = "change/github/acme/infra#12"
    common = dict(surface="change", resource=record, resource_type="change_record", span=span, controls=("CC8.1",))
    findings = (failure, replace(failure, policy_id="CHG-901", outcome=Outcome.PASS, message="approved by bob", **common),
                replace(failure, policy_id="CHG-902", outcome=Outcome.FAIL, message="no ticket id in the title",
                        **common))
    text = render(replace(result, findings=findings, policies=result.policies + (review, ticket)))
    assert "### Change-management checklist" in text and f"**{record}**" in text
    # CC8.1 comes first: the checklist right after the verdict, change failures before the others
    assert text.index("### Change-management checklist") < text.index("### SOC 2 criteria")
    failures = text[text.index("### Failures"):]
    assert failures.index("#### CHG-902") < failures.index(f"#### {failure.policy_id}")
    assert "- [x] Peer review approved (CHG-901)" in text
    assert "- [ ] Linked change ticket (CHG-902) — fail: no ticket id in the title" in text
    plain = render(result)
    assert "Change-management checklist" not in plain


def test_truncates_before_github_step_summary_limit(tmp_path: Path) -> None:
    result, failure = _one_failure(tmp_path)
    many = tuple(replace(failure, resource=f"aws_s3_bucket.b{i}", message=f"bucket b{i} " + "x" * 200,
                         span=SourceSpan(f"stacks/s{i}/main.tf", i + 1, i + 1)) for i in range(8000))
    text = render(replace(result, findings=many))
    size = len(text.encode("utf-8"))
    assert size <= MAX_BYTES == 1024 * 1024
    shown = sum(1 for line in text.splitlines() if line.startswith("- `stacks/"))
    note = re.search(r"\*\*Truncated:\*\* (\d+) more findings are not shown", text)
    assert note and shown + int(note.group(1)) == len(many)
    assert shown > 1000 and text.rstrip().endswith("</sub>")
    small = render(replace(result, findings=many[:10]))
    assert "Truncated" not in small
