"""Fingerprints, classification and how each report shows new / existing / fixed, from hand-made findings."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from soc2gate.baseline.classify import classify
from soc2gate.baseline.fingerprint import fingerprint, identity
from soc2gate.model import Control, Finding, Outcome, Result, SourceSpan, Verdict
from soc2gate.reporters import get_renderer


def _finding(resource: str, file: str = "main.tf", line: int = 1, outcome: Outcome = Outcome.FAIL,
             policy: str = "TF-002", path: str = "encrypted") -> Finding:
    return Finding(policy, outcome, "high", ("CC6.1",), resource, resource.split(".")[0], f"{resource}: bad",
                   SourceSpan(file, line, line + 2), "terraform", path)


def test_fingerprint_ignores_file_line_and_list_positions_but_not_identity():
    base = _finding("module.db[\"eu\"].aws_ebs_volume.a", path="spec.containers[0].securityContext")
    assert fingerprint(base) == fingerprint(replace(base, span=SourceSpan("other/file.tf", 40, 44), message="x"))
    assert fingerprint(base) == fingerprint(replace(base, attribute_path="spec.containers[3].securityContext"))
    assert identity(base)[2] == "spec.containers.securityContext"
    for changed in (replace(base, resource="module.db[\"us\"].aws_ebs_volume.a"), replace(base, policy_id="TF-003"),
                    replace(base, attribute_path="spec.volumes")):
        assert fingerprint(changed) != fingerprint(base)


def test_unparsable_files_are_identified_by_their_file():
    error = Finding("SYS-001", Outcome.ERROR, "high", (), "a.tf", "file", "a.tf:3: bad", SourceSpan("a.tf", 3, 3))
    assert fingerprint(error) == fingerprint(replace(error, span=SourceSpan("a.tf", 9, 9), message="a.tf:9: other"))
    assert fingerprint(error) != fingerprint(replace(error, span=SourceSpan("b.tf", 3, 3), resource="b.tf"))


def test_duplicates_are_counted_and_same_file_pairs_come_first():
    base = [_finding("aws_ebs_volume.a", "envs/dev/main.tf"), _finding("aws_ebs_volume.a", "envs/prod/main.tf")]
    head = base + [_finding("aws_ebs_volume.a", "envs/stage/main.tf")]
    labelled, fixed = classify(head, base)
    assert [(f.span.file, f.baseline) for f in labelled] == [
        ("envs/dev/main.tf", "existing"), ("envs/prod/main.tf", "existing"), ("envs/stage/main.tf", "new")]
    assert fixed == []


def test_inconclusive_that_became_a_failure_is_new_and_not_fixed():
    before = _finding("aws_ebs_volume.a", outcome=Outcome.INCONCLUSIVE)
    labelled, fixed = classify([_finding("aws_ebs_volume.a")], [before])
    assert labelled[0].baseline == "new" and fixed == []
    improved, fixed = classify([before], [_finding("aws_ebs_volume.a")])
    assert improved[0].baseline == "existing" and fixed == []
    passing, fixed = classify([_finding("aws_ebs_volume.a", outcome=Outcome.PASS)], [_finding("aws_ebs_volume.a")])
    assert passing[0].baseline == "" and [f.baseline for f in fixed] == ["fixed"]


def _result(gate: str = "new") -> Result:
    head = [_finding("aws_ebs_volume.old", line=1), _finding("aws_ebs_volume.added", "new.tf", 5)]
    base = [_finding("aws_ebs_volume.old", line=7), _finding("aws_ebs_volume.gone", line=20)]
    findings, fixed = classify(head, base)
    return Result("0.1.0", "sha256:" + "0" * 64, "sha256:" + "1" * 64, tuple(findings), (),
                  (Control("CC6.1", "Logical Access", "security"),), verdict=Verdict(gate=gate), fixed=tuple(fixed),
                  extras={"comparison": {"gate": gate, "counts": {"new": 1, "existing": 1, "fixed": 1},
                                         "diff_base": {"commit": "abcdef1234567890", "changed_files": ["new.tf"]}}})


def test_verdict_blocks_only_new_findings_in_gate_new():
    assert [f.resource for f in _result().blocking()] == ["aws_ebs_volume.added"]
    assert len(_result("all").blocking()) == 2


def test_sarif_baseline_state():
    from test_sarif import _validator

    log = json.loads(get_renderer("sarif")(_result()))
    _validator().validate(log)
    results = log["runs"][0]["results"]
    assert {r["properties"]["resource"]: (r["baselineState"], r["kind"]) for r in results} == {
        "aws_ebs_volume.old": ("unchanged", "fail"), "aws_ebs_volume.added": ("new", "fail"),
        "aws_ebs_volume.gone": ("absent", "pass")}


def test_json_classification_and_fixed_list():
    report = json.loads(get_renderer("json")(_result()))
    assert [(f["resource"], f["baseline"]) for f in report["findings"]] == [
        ("aws_ebs_volume.old", "existing"), ("aws_ebs_volume.added", "new")]
    assert report["gate"] == "new" and [(f["resource"], f["baseline"]) for f in report["fixed"]] == [
        ("aws_ebs_volume.gone", "fixed")]
    import jsonschema
    from conftest import REPO

    schema = json.loads((REPO / "src/soc2gate/schemas/report.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(report)


def test_markdown_starts_with_what_the_change_introduces_and_fixes():
    text = get_renderer("markdown")(_result())
    first = text.index("### Introduced by this change (1)")
    assert first < text.index("### Fixed by this change (1)") < text.index("### SOC 2 criteria") < text.index("### Failures")
    assert "Compared with `abcdef123456`, gate `new`: 1 new, 1 existing" in text
    only_existing = replace(_result(), findings=(_result().findings[0],))
    assert "existing before this change, does not fail the gate (gate `new`)" in get_renderer("markdown")(only_existing)


def test_text_marks_new_existing_and_fixed():
    text = get_renderer("text")(_result())
    rows = {line.split()[-2]: line.split()[:2] for line in text.splitlines() if "aws_ebs_volume." in line
            and line.split()[0] == "FAIL"}
    assert rows == {"aws_ebs_volume.added": ["FAIL", "new"], "aws_ebs_volume.old": ["FAIL", "existing"]}
    assert "FIXED  high     TF-002" in text and "Compared with abcdef123456: 1 new, 1 existing, 1 fixed (gate: new)" in text


def test_junit_says_which_failures_are_new_or_existing():
    text = get_renderer("junit")(_result())
    assert "fail (existing): main.tf:1 aws_ebs_volume.old" in text and "fail (new): new.tf:5 aws_ebs_volume.added" in text


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "markdown", "junit"])
def test_reports_without_a_comparison_do_not_mention_it(fmt):
    plain = Result("0.1.0", "sha256:" + "0" * 64, "sha256:" + "1" * 64, (_finding("aws_ebs_volume.a"),), (),
                   (Control("CC6.1", "Logical Access", "security"),))
    text = get_renderer(fmt)(plain)
    assert "baseline" not in text.lower() and "Introduced by this change" not in text and '"fixed"' not in text
