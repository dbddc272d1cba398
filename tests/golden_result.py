"""A hand-made Result for the reporters' golden files: every outcome, three surfaces, a waiver,
an unknown value, an error, a skipped path, a note; nothing read from examples/ or the policy pack."""

from __future__ import annotations

from soc2gate.model import (
    Control,
    Finding,
    InputFile,
    Outcome,
    Policy,
    Result,
    Skipped,
    SourceSpan,
    Verdict,
    Waiver,
)


def _policy(pid: str, surface: str, severity: str, controls: dict[str, str], requirement: str = "") -> Policy:
    return Policy(id=pid, title=f"{pid} title", description=f"{pid} checks one thing.", severity=severity,
                  surface=surface, controls=controls, remediation=f"Fix {pid}.", package=f"soc2gate.policies.x.{pid}",
                  path=f"policies/{surface}/{pid}/policy.rego", checkov=("CKV_AWS_19",) if pid == "TF-001" else (),
                  requirement=requirement)


def _finding(pid: str, outcome: Outcome, severity: str, controls: tuple[str, ...], resource: str, file: str,
             line: int, message: str, surface: str = "terraform", **extra: object) -> Finding:
    return Finding(policy_id=pid, outcome=outcome, severity=severity, controls=controls, resource=resource,
                   resource_type=resource.rsplit(".", 1)[0].split(".")[-1] if surface == "terraform" else resource.split("/")[0],
                   message=message, span=SourceSpan(file, line, line), surface=surface, **extra)  # type: ignore[arg-type]


POLICIES = (
    _policy("TF-001", "terraform", "high", {"CC6.1": "encryption at rest", "CC6.7": "data in storage"}),
    _policy("TF-002", "terraform", "low", {"CC7.2": "access logs"}),
    _policy("TF-003", "terraform", "critical", {"CC6.1": "public access"}),
    _policy("K8S-001", "kubernetes", "critical", {"CC6.8": "privileged containers"}),
    _policy("CHG-001", "change", "high", {"CC8.1": "peer review"}, requirement="Peer review approved"),
)
NOTE = "policies-local/x/policy.rego: policy id TF-100 is in the built-in range"
CONTROLS = (Control("CC6.1", "Logical access security", "security"),
            Control("CC6.7", "Restricts the transmission of information", "security"),
            Control("CC6.8", "Prevents unauthorized software", "security"),
            Control("CC7.2", "Monitors system components", "security"),
            Control("CC8.1", "Manages changes", "security"))


def sample_result(docs_url: str = "") -> Result:
    waiver = Waiver("TF-003", {"address": "aws_s3_bucket.old"}, "legacy public website", "alice", "2027-01-01",
                    ticket="SEC-12")
    findings = (
        _finding("TF-001", Outcome.FAIL, "high", ("CC6.1", "CC6.7"), "aws_s3_bucket.data", "infra/s3.tf", 10,
                 "aws_s3_bucket.data: bucket is not encrypted <at rest> & \"logs\" too", attribute_path="server_side_encryption_configuration"),
        _finding("TF-001", Outcome.PASS, "high", ("CC6.1", "CC6.7"), "aws_s3_bucket.logs", "infra/s3.tf", 3, "TF-001 title"),
        _finding("TF-002", Outcome.INCONCLUSIVE, "low", ("CC7.2",), "aws_s3_bucket.logs", "infra/s3.tf", 3,
                 "aws_s3_bucket.logs: logging target depends on `var.log_bucket`", unknown_expression="var.log_bucket"),
        _finding("TF-003", Outcome.WAIVED, "critical", ("CC6.1",), "aws_s3_bucket.old", "infra/s3.tf", 20,
                 "aws_s3_bucket.old: bucket is public", waiver=waiver),
        _finding("K8S-001", Outcome.FAIL, "critical", ("CC6.8",), "Deployment/shop/web", "k8s/web.yaml", 21,
                 "Deployment/shop/web: container `app` is privileged", surface="kubernetes",
                 attribute_path="spec.template.spec.containers.0.securityContext.privileged"),
        _finding("CHG-001", Outcome.PASS, "high", ("CC8.1",), "change/github/acme/infra#7", ".github/workflows/gate.yml",
                 1, "approved by bob", surface="change"),
        Finding("SYS-001", Outcome.ERROR, "high", (), "infra/broken.tf", "file", "infra/broken.tf:4: unexpected token `}`",
                SourceSpan("infra/broken.tf", 4, 4), engine="soc2gate"),
    )
    return Result(tool_version="9.9.9", bundle_digest="sha256:" + "b" * 64, config_digest="sha256:" + "c" * 64,
                  findings=findings, policies=POLICIES, controls=CONTROLS,
                  inputs=(InputFile("infra/s3.tf", "ab" * 32, "terraform", 3), InputFile("k8s/web.yaml", "cd" * 32,
                                                                                       "kubernetes", 1)),
                  skipped=(Skipped("charts/web", "Helm chart: render it with `helm template` first"),),
                  verdict=Verdict(fail_on="medium"), notes=(NOTE,),
                  timings={"parse_s": 0.25, "engine_s": 0.5}, docs_url=docs_url)
