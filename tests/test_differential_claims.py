"""Equivalence claims in METADATA are backed by the committed checkov differential results.

benchmarks/differential_checkov.py runs checkov and soc2gate on every policy's fixtures and on
../shared/corpora/real and writes benchmarks/results/differential_checkov.json; this test reads
that file (no checkov needed) and fails when a claimed equivalent (`custom.checkov`) disagrees with
checkov on a resource without a classification in benchmarks/differential/classified.yaml that
tolerates it, or when the results were not produced with today's claims.
"""

from __future__ import annotations

import sys

import pytest

from conftest import REPO
from policy_fixtures import all_policies
from soc2gate.catalog.controls import load_controls
from soc2gate.catalog.policies import parse_policy
from soc2gate.errors import PolicyLoadError

sys.path.insert(0, str(REPO / "benchmarks"))

from differential_compare import (Classification, claim_problems, compare, fold,  # noqa: E402
                                  load_classifications, policy_claims, read_results)

RESULTS = REPO / "benchmarks" / "results" / "differential_checkov.json"
CLASSIFIED = REPO / "benchmarks" / "differential" / "classified.yaml"


def test_results_were_produced_with_todays_claims() -> None:
    measured = read_results(RESULTS)["claims"]
    current = policy_claims(all_policies())
    stale = sorted(p for p in set(measured) | set(current) if measured.get(p) != current.get(p))
    assert not stale, f"claims changed since the last run of benchmarks/differential_checkov.py: {stale}"


def test_every_claimed_equivalent_agrees_or_is_classified() -> None:
    problems = claim_problems(policy_claims(all_policies()), read_results(RESULTS), load_classifications(CLASSIFIED))
    assert not problems, "\n".join(problems)


def test_the_known_wrong_claims_are_gone() -> None:
    by_id = {p.id: p for p in all_policies()}
    assert "CKV_AWS_79" not in by_id["TF-003"].checkov  # an IMDSv1 check, not encryption
    assert "CKV_AWS_66" not in by_id["TF-053"].checkov  # only needs retention to be set


def _pairs(native_verdict: str, checkov_verdict: str) -> dict:
    claims = {"TF-900": {"checkov": ["CKV_X"], "related_checkov": []}}
    native = fold([("TF-900", "fixture:a/fail/x.tf", "module.m.aws_s3_bucket.b[0]", native_verdict)])
    theirs = fold([("CKV_X", "fixture:a/fail/x.tf", "aws_s3_bucket.b", checkov_verdict)])
    return {"claims": claims, "pairs": compare(claims, native, theirs)}


def test_an_unclassified_disagreement_of_an_equivalent_is_a_problem() -> None:
    results = _pairs("fail", "pass")
    assert results["pairs"][0]["disagree"] == 1
    problems = claim_problems(results["claims"], results, [])
    assert problems and "unclassified disagreement" in problems[0]


@pytest.mark.parametrize("kind,tolerated", [("checkov bug", True), ("fixture artefact", True),
                                            ("deliberate difference", False), ("soc2gate bug", False)])
def test_only_checkov_bugs_and_fixture_artefacts_keep_a_claim_equivalent(kind: str, tolerated: bool) -> None:
    results = _pairs("fail", "pass")
    note = Classification("TF-900", "CKV_X", "fixture:a/*", "*", kind, "reason")
    assert (not claim_problems(results["claims"], results, [note])) is tolerated


def test_an_equivalent_never_judged_by_both_is_a_problem() -> None:
    claims = {"TF-900": {"checkov": ["CKV_X"], "related_checkov": []}}
    results = {"claims": claims, "pairs": compare(claims, fold([("TF-900", "t", "aws_s3_bucket.b", "pass")]), {})}
    assert "no resource was judged by both" in claim_problems(claims, results, [])[0]


def test_a_check_cannot_be_both_equivalent_and_related(tmp_path) -> None:
    source = ('# METADATA\n# title: T\n# description: D\n# custom:\n#   id: TF-900\n#   severity: low\n'
              '#   resource_types: [aws_s3_bucket]\n#   controls: {CC6.1: r}\n#   remediation: x\n'
              '#   checkov: [CKV_X]\n#   related_checkov:\n#     CKV_X: stricter\npackage soc2gate.policies.terraform.t\n')
    with pytest.raises(PolicyLoadError, match="both"):
        parse_policy(tmp_path / "policy.rego", source, load_controls())


def test_a_related_claim_needs_a_reason(tmp_path) -> None:
    source = ('# METADATA\n# title: T\n# description: D\n# custom:\n#   id: TF-900\n#   severity: low\n'
              '#   resource_types: [aws_s3_bucket]\n#   controls: {CC6.1: r}\n#   remediation: x\n'
              '#   related_checkov: [CKV_X]\npackage soc2gate.policies.terraform.t\n')
    with pytest.raises(PolicyLoadError, match="reason"):
        parse_policy(tmp_path / "policy.rego", source, load_controls())


def test_every_member_of_an_equivalent_set_must_judge_the_policys_resources() -> None:
    claims = {"TF-900": {"checkov": ["CKV_X", "CKV2_Y"], "related_checkov": []}}
    native = fold([("TF-900", "t", "aws_lb_listener.l", "pass")])
    theirs = fold([("CKV_X", "t", "aws_lb_listener.l", "pass"), ("CKV2_Y", "t", "aws_lb.lb", "pass")])
    results = {"claims": claims, "pairs": compare(claims, native, theirs)}
    assert any("CKV2_Y" in p and "judged none" in p for p in claim_problems(claims, results, []))
