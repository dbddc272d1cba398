"""Evidence ledger: record contents, hash chain, signatures, and every kind of tampering.

Each tampering test edits the ledger file the way an attacker (or a crash) would and checks
that ``verify`` names the exact record (line, sequence number, run id) and the kind.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from soc2gate.errors import InputError, UsageError
from soc2gate.evidence import EvidenceSettings, record_run, verify_ledger
from soc2gate.evidence.chain import GENESIS, record_hash, seal, to_line
from soc2gate.evidence.ci import ci_context
from soc2gate.model import Control, Finding, InputFile, Outcome, Policy, Result, SourceSpan, Waiver

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)
CONTROLS = (Control("CC6.1", "Logical Access", "security"), Control("CC8.1", "Change Management", "security"))
POLICY = Policy("TF-001", "S3 buckets encrypt data at rest", "", "high", "terraform", {"CC6.1": "why"}, "", "p", "p")


def make_result(failing: tuple[str, ...] = (), waived: tuple[str, ...] = (), passing: tuple[str, ...] = ()) -> Result:
    """A Result over main.tf: TF-001 fails on ``failing``, is waived on ``waived``, passes on ``passing``."""
    def finding(name: str, outcome: Outcome, waiver: Waiver | None = None) -> Finding:
        return Finding("TF-001", outcome, "high", ("CC6.1",), f"aws_s3_bucket.{name}", "aws_s3_bucket", "m",
                       SourceSpan("main.tf", 1, 3), "terraform", waiver=waiver)

    waiver = Waiver("TF-001", {"address": "aws_s3_bucket.*"}, "legacy", "alice", "2025-03-31", "SEC-1", "", "central")
    findings = ([finding(n, Outcome.FAIL) for n in failing] + [finding(n, Outcome.WAIVED, waiver) for n in waived]
                + [finding(n, Outcome.PASS) for n in passing])
    return Result("0.1.0", "sha256:bundle", "sha256:config", tuple(findings), (POLICY,), CONTROLS,
                  inputs=(InputFile("main.tf", "ab" * 32, "terraform", len(findings)),))


def append(directory: Path, result: Result | None = None, when: datetime = T0, run_id: str = "",
           key: Path | None = None, env: dict[str, str] | None = None):
    chosen = EvidenceSettings(str(directory), key=str(key) if key else None)
    return record_run(result or make_result(), chosen, when, env or {}, run_id=run_id or None)


def ledger(directory: Path) -> list[dict]:
    return [json.loads(line) for line in (directory / "ledger.jsonl").read_text().splitlines()]


def write_lines(directory: Path, records: list[dict]) -> None:
    (directory / "ledger.jsonl").write_bytes(b"".join(to_line(r) for r in records))


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Path]:
    key = Ed25519PrivateKey.generate()
    private, public = tmp_path / "evidence.key", tmp_path / "evidence.pub"
    private.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    public.write_bytes(key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo))
    return private, public


@pytest.fixture
def five(tmp_path: Path, keys: tuple[Path, Path]) -> Path:
    """A signed ledger of five runs, run ids r1..r5."""
    directory = tmp_path / "ev"
    for index in range(1, 6):
        append(directory, make_result(failing=("a",) if index % 2 else ()), T0 + timedelta(hours=index),
               f"r{index}", keys[0])
    return directory


def kinds(directory: Path, public: Path | None = None) -> list[tuple[str, int | None, str]]:
    report = verify_ledger(str(directory), str(public) if public else None)
    return [(p.kind, p.seq, p.run_id) for p in report.problems]


# --- records ------------------------------------------------------------------------------------


def test_record_holds_what_an_auditor_needs(tmp_path: Path) -> None:
    env = {"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "acme/infra", "GITHUB_SHA": "c0ffee",
           "GITHUB_REF_NAME": "main", "GITHUB_ACTOR": "octocat", "GITHUB_RUN_ID": "77",
           "GITHUB_SERVER_URL": "https://github.com"}
    receipt = append(tmp_path, make_result(failing=("a",), waived=("b",), passing=("c",)), run_id="run-1", env=env)
    [record] = ledger(tmp_path)
    assert (receipt.seq, receipt.run_id, receipt.hash) == (1, "run-1", record["hash"])
    assert record["time"] == "2025-03-01T09:00:00Z" and record["tool"] == {"name": "soc2gate", "version": "0.1.0"}
    assert record["ci"] == {"provider": "github", "repo": "acme/infra", "commit": "c0ffee", "branch": "main",
                            "actor": "octocat", "run_url": "https://github.com/acme/infra/actions/runs/77", "run_id": "77"}
    assert record["inputs"] == [{"path": "main.tf", "sha256": "ab" * 32, "kind": "terraform"}]
    assert (record["policy_bundle_digest"], record["config_digest"]) == ("sha256:bundle", "sha256:config")
    assert record["controls"]["CC6.1"] == {"status": "failed", "pass": 1, "fail": 1, "inconclusive": 0,
                                           "error": 0, "waived": 1}
    assert record["failures"] == [{"policy": "TF-001", "controls": ["CC6.1"], "outcome": "fail", "severity": "high",
                                   "resource": "aws_s3_bucket.a", "file": "main.tf", "line": 1}]
    [applied] = record["waivers"]["applied"]
    assert (applied["resource"], applied["reason"], applied["approved_by"], applied["ticket"]) == (
        "aws_s3_bucket.b", "legacy", "alice", "SEC-1")
    assert (record["verdict"], record["exit_code"], record["seq"], record["prev_hash"]) == ("failed", 1, 1, GENESIS)
    assert record["hash"] == record_hash(record) and "signature" not in record


def test_records_chain_and_verify(tmp_path: Path) -> None:
    for index in range(3):
        append(tmp_path, when=T0 + timedelta(minutes=index), run_id=f"r{index}")
    records = ledger(tmp_path)
    assert [r["seq"] for r in records] == [1, 2, 3]
    assert [r["prev_hash"] for r in records] == [GENESIS, records[0]["hash"], records[1]["hash"]]
    report = verify_ledger(str(tmp_path))
    assert report.ok and report.records == 3 and report.last_seq == 3
    assert any("not signed" in w for w in report.warnings)
    head = json.loads((tmp_path / "ledger.head.json").read_text())
    assert (head["seq"], head["hash"]) == (3, records[2]["hash"])


def test_ci_context_providers() -> None:
    gitlab = ci_context({"GITLAB_CI": "true", "CI_PROJECT_PATH": "g/p", "CI_COMMIT_SHA": "abc", "CI_COMMIT_REF_NAME": "dev",
                         "GITLAB_USER_LOGIN": "dev1", "CI_JOB_URL": "https://gitlab.example/g/p/-/jobs/9", "CI_JOB_ID": "9"})
    assert gitlab == {"provider": "gitlab", "repo": "g/p", "commit": "abc", "branch": "dev", "actor": "dev1",
                      "run_url": "https://gitlab.example/g/p/-/jobs/9", "run_id": "9"}
    assert ci_context({})["provider"] == "local" and set(ci_context({}).values()) == {"local", ""}
    rerun = ci_context({"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "a/b", "GITHUB_RUN_ID": "5",
                        "GITHUB_RUN_ATTEMPT": "2", "GITHUB_HEAD_REF": "feature", "GITHUB_REF_NAME": "12/merge"})
    assert rerun["run_url"] == "https://github.com/a/b/actions/runs/5/attempts/2" and rerun["branch"] == "feature"


def test_signed_ledger_verifies_with_the_public_key(five: Path, keys: tuple[Path, Path]) -> None:
    report = verify_ledger(str(five), str(keys[1]))
    assert report.ok and report.signed == 5 and report.key_id.startswith("sha256:")
    assert all(r["signature"]["key_id"] == report.key_id for r in ledger(five))
    unchecked = verify_ledger(str(five))
    assert unchecked.ok and any("signatures not checked" in w for w in unchecked.warnings)


# --- tampering ----------------------------------------------------------------------------------


def test_edited_field_is_detected_as_modified(five: Path) -> None:
    records = ledger(five)
    records[2]["verdict"] = "passed"
    write_lines(five, records)
    assert kinds(five) == [("modified", 3, "r3")]


def test_edit_with_recomputed_hash_breaks_the_chain_and_the_signature(five: Path, keys: tuple[Path, Path]) -> None:
    records = ledger(five)
    assert records[2]["exit_code"] == 1
    records[2]["exit_code"] = 0
    records[2]["hash"] = record_hash(records[2])
    write_lines(five, records)
    assert kinds(five) == [("chain", 4, "r4")]
    assert kinds(five, keys[1]) == [("signature", 3, "r3"), ("chain", 4, "r4")]


def test_deleted_middle_record(five: Path) -> None:
    records = ledger(five)
    write_lines(five, records[:2] + records[3:])
    problems = verify_ledger(str(five)).problems
    assert [(p.kind, p.seq, p.run_id, p.line) for p in problems] == [("deleted", 4, "r4", 3)]
    assert "record(s) #3 missing before record #4 (run r4) at line 3" in problems[0].message


def test_deleted_first_and_last_records(five: Path) -> None:
    records = ledger(five)
    write_lines(five, records[1:])
    assert kinds(five) == [("deleted", 2, "r2")]
    write_lines(five, records[:4])
    problems = verify_ledger(str(five)).problems
    assert [p.kind for p in problems] == ["deleted"]
    assert "ends at record #4 but ledger.head.json records #5" in problems[0].message


def test_swapped_records_are_reordered(five: Path) -> None:
    records = ledger(five)
    records[1], records[2] = records[2], records[1]
    write_lines(five, records)
    problems = verify_ledger(str(five)).problems
    assert [(p.kind, p.seq, p.line) for p in problems] == [("reordered", 2, 3)]
    assert "record #2 (run r2) at line 3 comes after record #3 at line 2" in problems[0].message


def test_inserted_records(five: Path, keys: tuple[Path, Path]) -> None:
    records = ledger(five)
    forged = seal({k: v for k, v in records[2].items() if k not in ("seq", "prev_hash", "hash", "signature")},
                  3, records[1]["hash"])
    forged["verdict"] = "passed"
    forged["hash"] = record_hash(forged)
    write_lines(five, records[:2] + [forged] + records[2:])
    found = kinds(five, keys[1])
    assert ("unsigned", 3, "r3") in found and ("inserted", 3, "r3") in found and ("chain", 4, "r4") in found
    write_lines(five, records + [records[4]])
    assert ("inserted", 5, "r5") in kinds(five)


def test_truncated_last_line_is_a_torn_write(five: Path) -> None:
    data = (five / "ledger.jsonl").read_bytes()
    (five / "ledger.jsonl").write_bytes(data[:-40])
    problems = verify_ledger(str(five)).problems
    assert problems[0].kind == "torn" and problems[0].line == 5 and "incomplete" in problems[0].message
    (five / "ledger.jsonl").write_bytes(data[:-1])  # only the newline lost: still not accepted
    assert [k for k, _, _ in kinds(five)][0] == "torn"


def test_replaced_signature(five: Path, keys: tuple[Path, Path]) -> None:
    records = ledger(five)
    records[3]["signature"] = records[0]["signature"]
    write_lines(five, records)
    problems = verify_ledger(str(five), str(keys[1])).problems
    assert [(p.kind, p.seq, p.run_id) for p in problems] == [("signature", 4, "r4")]
    assert "does not verify" in problems[0].message


def test_record_signed_by_another_key(five: Path) -> None:
    other = Ed25519PrivateKey.generate()
    records = ledger(five)
    value = base64.b64encode(other.sign(records[0]["hash"].encode())).decode()
    records[0]["signature"] = {**records[0]["signature"], "key_id": "sha256:0123456789abcdef", "value": value}
    write_lines(five, records)
    private, public = five.parent / "evidence.key", five.parent / "evidence.pub"
    assert private.exists()
    problems = verify_ledger(str(five), str(public)).problems
    assert problems[0].kind == "signature" and "signed by another key" in problems[0].message


def test_rewritten_line_and_garbage_lines(five: Path) -> None:
    records = ledger(five)
    lines = [to_line(r) for r in records]
    lines[1] = json.dumps(records[1], indent=None).encode() + b"\n"  # same content, not canonical
    lines.insert(3, b"\n")
    lines.insert(4, b"{not json\n")
    (five / "ledger.jsonl").write_bytes(b"".join(lines))
    problems = verify_ledger(str(five)).problems
    assert [(p.kind, p.line) for p in problems] == [("modified", 2), ("corrupt", 4), ("corrupt", 5)]


def test_verify_cli_names_the_record_and_exits_1(five: Path) -> None:
    from click.testing import CliRunner

    from soc2gate.cli import cli
    from soc2gate.commands import register_all

    register_all(cli)
    ok = CliRunner().invoke(cli, ["evidence", "verify", str(five), "--public-key", str(five.parent / "evidence.pub")])
    assert ok.exit_code == 0 and "OK: 5 record(s), #1–#5, hash chain intact, 5 signature(s) valid" in ok.output
    records = ledger(five)
    records[0]["ci"]["actor"] = "mallory"
    write_lines(five, records)
    bad = CliRunner().invoke(cli, ["evidence", "verify", str(five)])
    assert bad.exit_code == 1
    assert "MODIFIED   record #1 (run r1) at line 1: its content does not match its hash" in bad.output
    as_json = CliRunner().invoke(cli, ["evidence", "verify", str(five), "--format", "json"])
    assert json.loads(as_json.output)["problems"][0]["kind"] == "modified" and as_json.exit_code == 1


def test_append_refuses_to_build_on_a_damaged_or_truncated_ledger(five: Path) -> None:
    records = ledger(five)
    write_lines(five, records[:4])
    with pytest.raises(InputError, match="ends at record #4 but ledger.head.json records #5"):
        append(five, run_id="r6")
    records[4]["verdict"] = "passed"
    write_lines(five, records)
    with pytest.raises(InputError, match=r"the last record \(#5\) does not match its hash"):
        append(five, run_id="r6")


def test_bad_keys_and_missing_ledger_are_usage_errors(tmp_path: Path) -> None:
    (tmp_path / "not-a-key.pem").write_text("hello")
    with pytest.raises(UsageError, match="not-a-key.pem: not an unencrypted PEM private key"):
        append(tmp_path / "ev", key=tmp_path / "not-a-key.pem")
    with pytest.raises(UsageError, match="no evidence ledger here"):
        verify_ledger(str(tmp_path / "nothing"))
    with pytest.raises(UsageError, match="missing.pem: cannot read"):
        verify_ledger(str(tmp_path), str(tmp_path / "missing.pem"))


def test_fast_path_accepts_exactly_the_canonical_lines(five: Path) -> None:
    """verified_line (verify's fast path) agrees with full re-encoding, and refuses any other form."""
    from soc2gate.evidence.chain import canonical, hash_and_line, verified_line

    for line in (five / "ledger.jsonl").read_bytes().splitlines():
        record = json.loads(line)
        assert verified_line(line, record) and hash_and_line(record) == (record["hash"], line)
        edited = {**record, "verdict": "passed" if record["verdict"] == "failed" else "failed"}
        assert not verified_line(canonical(edited), edited)
        moved = canonical({k: v for k, v in record.items() if k != "hash"})[:-1] + b',"hash":' + \
            canonical(record["hash"]) + b"}"
        assert not verified_line(moved, json.loads(moved))  # fields intact, form not canonical
        assert not verified_line(line.replace(b",", b", ", 1), record)
