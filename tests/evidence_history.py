"""A generated evidence history: several hundred runs over three repositories and half a year.

Runs go through the real ``record_run`` (build_record, hash chain, folder ledger or PostgreSQL);
only the scan Results are synthesised (a real scan per run would take minutes).  acme/infra scans
Terraform on main and feature branches (and now and then one file only, a narrower scope), acme/k8s
scans manifests, acme/app evaluates one change record per merged pull request.  Failures appear and
get fixed or waived; a baseline and a waiver apply; the policy bundle changes once.

``python tests/evidence_history.py DIR`` writes the example ledger used by scripts/audit-screenshots.sh.
"""

from __future__ import annotations

import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from soc2gate.catalog.controls import in_scope, load_controls, sort_key  # noqa: E402
from soc2gate.evidence import EvidenceSettings, record_run  # noqa: E402
from soc2gate.model import Finding, InputFile, Outcome, Policy, Result, SourceSpan, Verdict, Waiver  # noqa: E402

START = datetime(2025, 1, 6, 8, 0, tzinfo=timezone.utc)
P = {pid: Policy(pid, title, "", sev, surface, {c: "" for c in controls}, "", "p", "p")
     for pid, title, sev, surface, controls in (
         ("TF-001", "S3 buckets encrypt data at rest", "high", "terraform", ("CC6.1", "CC6.7")),
         ("TF-004", "Security groups do not allow 0.0.0.0/0 ingress", "high", "terraform", ("CC6.6",)),
         ("TF-010", "CloudTrail logging is enabled", "medium", "terraform", ("CC7.2",)),
         ("K8S-001", "Containers do not run as root", "high", "kubernetes", ("CC6.1", "CC6.8")),
         ("K8S-005", "Images are pinned by digest", "medium", "kubernetes", ("CC8.1",)),
         ("CHG-001", "Changes are approved before merge", "high", "change", ("CC8.1",)),
         ("CHG-003", "CI checks passed before merge", "high", "change", ("CC8.1",)))}
WAIVER = Waiver("TF-004", {"address": "aws_security_group.bastion"}, "bastion needs SSH from the VPN egress range",
                "sec-lead", "2025-06-30", "SEC-142", "2025-02-01", "central")
BASELINE = Waiver("K8S-001", {"address": "Deployment/legacy/batch"}, "legacy batch job, migration planned",
                  "platform-lead", "2025-05-31", "PLAT-77", "2025-01-10", "baseline")
CONTROLS = tuple(sorted(in_scope(load_controls(), ("security",)).values(), key=lambda c: sort_key(c.id)))


def _finding(pid: str, outcome: Outcome, resource: str, file: str, waiver: Waiver | None = None) -> Finding:
    policy = P[pid]
    return Finding(pid, outcome, policy.severity, tuple(policy.controls), resource, resource.split(".")[0], "m",
                   SourceSpan(file, 1, 5), policy.surface, waiver=waiver)


def _result(findings: list[Finding], inputs: list[InputFile], policies: list[str], bundle: str,
            extras: dict[str, Any] | None = None) -> Result:
    return Result("0.9.0", bundle, "sha256:" + "c" * 64, tuple(findings), tuple(P[p] for p in policies), CONTROLS,
                  inputs=tuple(inputs), verdict=Verdict("low"), extras=extras or {})


def _infra(rng: random.Random, state: dict[str, Any], day: int, narrow: bool) -> Result:
    files = ["network.tf"] if narrow else ["main.tf", "network.tf", "logging.tf"]
    inputs = [InputFile(f"infra/{f}", f"{rng.getrandbits(64):016x}" * 4, "terraform", 3) for f in files]
    if not narrow:
        if rng.random() < 0.08:
            state["bucket_broken"] = True
        elif state.get("bucket_broken") and rng.random() < 0.35:
            state["bucket_broken"] = False
    found = [_finding("TF-004", Outcome.WAIVED if day >= 26 else Outcome.FAIL, "aws_security_group.bastion",
                      "infra/network.tf", WAIVER if day >= 26 else None),
             _finding("TF-004", Outcome.PASS, "aws_security_group.web", "infra/network.tf")]
    if not narrow:
        found += [_finding("TF-001", Outcome.FAIL if state.get("bucket_broken") else Outcome.PASS,
                           "aws_s3_bucket.data", "infra/main.tf"),
                  _finding("TF-010", Outcome.PASS if day > 40 else Outcome.FAIL, "aws_cloudtrail.main", "infra/logging.tf")]
    bundle = "sha256:" + ("a" if day < 90 else "b") * 64
    return _result(found, inputs, ["TF-001", "TF-004", "TF-010"], bundle)


def _k8s(rng: random.Random, state: dict[str, Any], day: int) -> Result:
    inputs = [InputFile(f"deploy/{f}", f"{rng.getrandbits(64):016x}" * 4, "kubernetes", 2) for f in ("web.yaml", "batch.yaml")]
    pinned = day > 60 or rng.random() < 0.5
    found = [_finding("K8S-001", Outcome.PASS, "Deployment/web/api", "deploy/web.yaml"),
             _finding("K8S-001", Outcome.WAIVED, "Deployment/legacy/batch", "deploy/batch.yaml", BASELINE),
             _finding("K8S-005", Outcome.PASS if pinned else Outcome.FAIL, "Deployment/web/api", "deploy/web.yaml")]
    return _result(found, inputs, ["K8S-001", "K8S-005"], "sha256:" + ("a" if day < 90 else "b") * 64)


def _change(rng: random.Random, number: int, moment: datetime, day: int) -> Result:
    cid = f"github/acme/app#{number}"
    address = f"change/{cid}"
    emergency = rng.random() < 0.04
    approved = not emergency and rng.random() < 0.93
    merged = moment - timedelta(minutes=5)
    approvers = ["bob"] if approved else []
    late = [] if approved or emergency else ["carol"]  # approved only after the merge: not counted
    facts = {"address": address, "id": cid, "repository": "acme/app", "number": number, "title": f"change {number}",
             "author": rng.choice(["alice", "dave", "erin"]), "target_branch": "main",
             "merged_at": merged.strftime("%Y-%m-%dT%H:%M:%S+00:00"), "approvers_before_merge": approvers,
             "checks": [{"name": "build", "conclusion": "success"}, {"name": "soc2gate", "conclusion": "success"}],
             "tickets": [f"CHG-{1000 + number}"] if rng.random() < 0.9 else [], "emergency": emergency,
             "late_approvers": late}
    outcome = Outcome.PASS if approved else (Outcome.INCONCLUSIVE if emergency else Outcome.FAIL)
    found = [_finding("CHG-001", outcome, address, ".github/workflows/soc2gate.yml"),
             _finding("CHG-003", Outcome.PASS, address, ".github/workflows/soc2gate.yml")]
    inputs = [InputFile(f"event-{number}.json", f"{number:064x}", "change", 1)]
    facts.pop("late_approvers")
    return _result(found, inputs, ["CHG-001", "CHG-003"], "sha256:" + ("a" if day < 90 else "b") * 64,
                   {"changes": [facts]})


def _env(repo: str, branch: str, run: int) -> dict[str, str]:
    return {"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": repo, "GITHUB_REF_NAME": branch, "GITHUB_RUN_ID": str(run),
            "GITHUB_SHA": f"{run:040x}", "GITHUB_ACTOR": "ci-bot", "GITHUB_SERVER_URL": "https://github.example"}


def plan(runs: int = 420, seed: int = 7) -> list[tuple[datetime, str, str, Result]]:
    """(time, repository, branch, result) of every run, in time order."""
    rng, state, out, number = random.Random(seed), {}, [], 100
    span = 180 * 24 * 3600
    for moment in sorted(START + timedelta(seconds=rng.randrange(span)) for _ in range(runs)):
        day = (moment - START).days
        pick = rng.random()
        if pick < 0.45:
            branch = "main" if rng.random() < 0.7 else "feature/x"
            out.append((moment, "acme/infra", branch, _infra(rng, state, day, narrow=rng.random() < 0.12)))
        elif pick < 0.75:
            out.append((moment, "acme/k8s", "main", _k8s(rng, state, day)))
        else:
            number += 1
            out.append((moment, "acme/app", "main", _change(rng, number, moment, day)))
    return out


def generate(store: str, runs: int = 420, seed: int = 7, key: str | None = None) -> list[tuple[datetime, str, str, Result]]:
    planned = plan(runs, seed)
    settings = EvidenceSettings(store, key=key)
    for index, (moment, repo, branch, result) in enumerate(planned, start=1):
        record_run(result, settings, moment, _env(repo, branch, index), run_id=f"run-{index:04d}")
    return planned


if __name__ == "__main__":
    generate(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 420)
