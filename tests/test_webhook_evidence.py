"""The admission webhook leaves operating evidence: one ledger record per batch of decisions.

A real ``soc2gate webhook serve`` process on loopback HTTPS writes to a real folder ledger; the
records are read back, verified with ``soc2gate evidence verify`` and summarized with
``soc2gate evidence report``.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import yaml
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from admission_reviews import first_object, review
from webhook_harness import WebhookProcess
from webhook_install import hardened_deployment
from webhook_servers import GUESTBOOK, PRIVILEGED, exact_enforcement, start  # noqa: F401 (fixture)


def write_keys(directory: Path) -> tuple[Path, Path]:
    key = Ed25519PrivateKey.generate()
    private, public = directory / "evidence.key", directory / "evidence.pub"
    private.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    public.write_bytes(key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo))
    return private, public


def write_config(directory: Path, url: str, interval_s: float, key: Path | None = None,
                 lock_timeout: float = 2) -> Path:
    evidence: dict = {"url": url, "lock_timeout": lock_timeout, "retries": 0}
    if key is not None:
        evidence["key"] = key.name
    document = {"evidence": evidence,
                "webhook": {"workers": 1, "mode": "enforce", "enforcement": exact_enforcement(),
                            "exclude": {"namespaces": ["kube-system", "sandbox-*"]},
                            "evidence": {"interval_s": interval_s, "chain": "webhook/test-cluster"}}}
    path = directory / ".soc2gate.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


def send_mix(server: WebhookProcess, answers: list[bool] | None = None) -> list[dict]:
    """Denied, warned, allowed, excluded, dry-run and invalid requests; returns their decision lines
    (and appends ``allowed`` of each answer to ``answers``)."""
    answers = [] if answers is None else answers
    bodies = [review(first_object(PRIVILEGED, "Deployment"), namespace="payments") for _ in range(3)]
    bodies += [review(first_object(GUESTBOOK, "Deployment"), namespace="shop") for _ in range(2)]
    bodies += [review(hardened_deployment(), namespace="shop"),
               review(first_object(PRIVILEGED, "Deployment"), namespace="sandbox-1"),
               review(first_object(PRIVILEGED, "Deployment"), namespace="payments", dry_run=True)]
    for body in bodies:
        status, answer = server.post(body)
        assert status == 200
        answers.append(answer["response"]["allowed"])
    status, answer = server.post(b"{not json")
    assert status == 400
    answers.append(answer["response"]["allowed"])
    lines = [server.decision_for(b["request"]["uid"]) for b in bodies]
    deadline = time.monotonic() + 10  # the invalid request's line is logged just after its answer
    while not (invalid := [e for e in server.events() if e["decision"] == "invalid"]) and time.monotonic() < deadline:
        time.sleep(0.02)
    return lines + invalid


def batch_records(ledger: Path) -> list[dict]:
    lines = (ledger / "ledger.jsonl").read_text().splitlines()
    return [r for r in map(json.loads, lines) if r.get("kind") == "admission-batch"]


def total(batches: list[dict], key: str) -> Counter:
    found: Counter = Counter()
    for batch in batches:
        found.update(batch["admission"][key])
    return found


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from soc2gate.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=120)


def test_batches_count_every_decision_and_verify(tmp_path: Path, start) -> None:
    private, public = write_keys(tmp_path)
    server = start(tmp_path, write_config(tmp_path, "file:ledger", 1, private))
    answers: list[bool] = []
    sent = send_mix(server, answers)
    server.wait_event("evidence", 2)  # at least two periodic batches while serving
    assert server.stop() == 0
    batches = batch_records(tmp_path / "ledger")
    assert len(batches) >= 2 and answers == [False, False, False, True, True, True, True, False, False]
    assert sum(b["admission"]["decisions"] for b in batches) == len(sent) == 9
    assert total(batches, "by_decision") == Counter(line["decision"] for line in sent)
    assert total(batches, "by_namespace") == Counter(line.get("namespace", "") for line in sent)
    assert total(batches, "denied_policies")["K8S-001"] == sum("K8S-001" in line.get("denied", []) for line in sent) == 4
    assert total(batches, "warned_policies")["K8S-007"] == sum("K8S-007" in line.get("warned", []) for line in sent)
    denials: Counter = Counter()
    for batch in batches:
        denials.update({c: o["denied"] for c, o in batch["admission"]["controls"].items()})
    assert denials["CC6.1"] == 4 and sum(b["admission"]["dry_run"] for b in batches) == 1
    for earlier, later in zip(batches, batches[1:], strict=False):  # windows are contiguous: every moment is covered
        assert later["window"]["from"] == earlier["window"]["to"]
    assert all(b["webhook"]["chain"] == "webhook/test-cluster" and b["signature"]["alg"] == "ed25519" for b in batches)
    verified = cli("evidence", "verify", str(tmp_path / "ledger"), "--public-key", str(public))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert f"{len(batches)} record(s)" in verified.stdout and "signature(s) valid" in verified.stdout


def test_shutdown_appends_the_last_batch(tmp_path: Path, start) -> None:
    server = start(tmp_path, write_config(tmp_path, "file:ledger", 3600))
    sent = send_mix(server)
    assert not (tmp_path / "ledger" / "ledger.jsonl").exists()  # an hour-long interval: nothing appended yet
    assert server.stop() == 0
    batches = batch_records(tmp_path / "ledger")
    assert len(batches) == 1 and batches[0]["admission"]["decisions"] == len(sent)
    assert batches[0]["admission"]["first_decision"] == min(line["ts"] for line in sent)
    assert batches[0]["admission"]["bundle_digests"] == sorted({line["bundle_digest"] for line in sent if "bundle_digest" in line})
    assert server.events("evidence")[-1]["result"] == "ok"
    announced = server.events("start")[0]["evidence"]
    assert announced == {"store": str(tmp_path / "ledger"), "interval_s": 3600, "signed": False}


def test_unwritable_store_never_affects_admission_and_is_retried(tmp_path: Path, start) -> None:
    (tmp_path / "blocked").write_text("a file where the ledger folder should be\n")
    server = start(tmp_path, write_config(tmp_path, "file:blocked/ledger", 1))
    answers: list[bool] = []
    sent = send_mix(server, answers)
    # 3 denied + 1 dry-run denied + 1 invalid: the answers a server without evidence gives (test above)
    assert answers == [False, False, False, True, True, True, True, False, False]
    failed = server.wait_event("evidence", 1)
    assert failed["result"] == "failed" and "cannot create the evidence directory" in failed["error"]
    assert failed["next"] == "retried with the next batch"
    _, metrics = server.get("/metrics")
    assert 'soc2gate_webhook_evidence_appends_total{result="failed"}' in metrics.decode()
    again = review(first_object(PRIVILEGED, "Deployment"), namespace="payments")
    status, answer = server.post(again)
    assert status == 200 and answer["response"]["allowed"] is False
    (tmp_path / "blocked").unlink()  # the store comes back: the kept decisions are appended with the next batch
    (tmp_path / "blocked").mkdir()
    deadline = time.monotonic() + 30
    while not any(e["result"] == "ok" for e in server.events("evidence")) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server.stop() == 0
    batches = batch_records(tmp_path / "blocked" / "ledger")
    assert sum(b["admission"]["decisions"] for b in batches) == len(sent) + 1
    assert batches[0]["admission"]["failed_appends"] >= 1
    assert batches[0]["window"]["from"] <= min(line["ts"] for line in sent)


def test_a_stalled_store_does_not_hold_answers(tmp_path: Path, start) -> None:
    """Another writer holds the ledger lock: the append waits in its thread, admission goes on."""
    from filelock import FileLock

    (tmp_path / "ledger").mkdir()
    lock = FileLock(str(tmp_path / "ledger" / "ledger.lock"))
    lock.acquire()
    try:
        server = start(tmp_path, write_config(tmp_path, "file:ledger", 1, lock_timeout=120))
        time.sleep(1.5)  # the first append has started and waits for the lock
        answers: list[bool] = []
        sent = send_mix(server, answers)  # each answer within the client's 30 s timeout, while the append waits 120 s
        assert answers == [False, False, False, True, True, True, True, False, False]
        assert server.events("evidence") == []  # still waiting: neither appended nor failed
    finally:
        lock.release()
    server.wait_event("evidence", 1)
    assert server.stop() == 0
    batches = batch_records(tmp_path / "ledger")
    assert sum(b["admission"]["decisions"] for b in batches) == len(sent)
    assert all(e["result"] == "ok" for e in server.events("evidence"))


def test_report_counts_batches_apart_from_scan_runs(tmp_path: Path, start) -> None:
    server = start(tmp_path, write_config(tmp_path, "file:ledger", 3600))
    sent = send_mix(server)
    assert server.stop() == 0
    scanned = cli("scan", str(GUESTBOOK), "--evidence", str(tmp_path / "ledger"), "--format", "json")
    assert scanned.returncode in (0, 1), scanned.stderr
    result = cli("evidence", "report", str(tmp_path / "ledger"), "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["runs"] == 1  # the scan; the batch is not a run
    admission = report["admission"]
    assert admission["batches"] == 1 and admission["decisions"] == len(sent)
    assert [c["denied"] for c in admission["controls"] if c["id"] == "CC6.1"] == [4]
    assert admission["chains"][0]["chain"] == "webhook/test-cluster" and admission["chains"][0]["gaps"] == []
    markdown = cli("evidence", "report", str(tmp_path / "ledger"), "--format", "markdown")
    assert "## Admission control" in markdown.stdout and "| CC6.1 | 4 |" in markdown.stdout


def test_batches_need_an_evidence_store(tmp_path: Path) -> None:
    config = tmp_path / ".soc2gate.yaml"
    config.write_text(yaml.safe_dump({"webhook": {"evidence": {"interval_s": 60}}}))
    with pytest.raises(RuntimeError) as failed:
        WebhookProcess(tmp_path, config)
    assert "webhook.evidence" in str(failed.value) and "evidence.url" in str(failed.value)
    config.write_text(yaml.safe_dump({"webhook": {"evidence": {"interval_s": 0.01}}, "evidence": {"url": "x"}}))
    with pytest.raises(RuntimeError) as failed:
        WebhookProcess(tmp_path, config)
    assert "webhook.evidence.interval_s" in str(failed.value)


def test_a_server_killed_without_sigterm_leaves_a_gap_in_the_report(tmp_path: Path, start) -> None:
    config = write_config(tmp_path, "file:ledger", 1)
    for name in ("first", "second"):  # each server's certificates and logs; one configuration, one ledger
        (tmp_path / name).mkdir()
    first = start(tmp_path / "first", config)
    first.wait_event("evidence", 1)
    first.process.kill()  # no shutdown batch: its open batch is lost
    first.process.wait()
    time.sleep(3)  # down for longer than twice the interval, besides the second server's start-up
    second = start(tmp_path / "second", config)
    second.wait_event("evidence", 1)
    assert second.stop() == 0
    batches = batch_records(tmp_path / "ledger")
    covered = max(b["window"]["to"] for b in batches if b["webhook"]["pid"] == first.process.pid)
    resumed = min(b["window"]["from"] for b in batches if b["webhook"]["pid"] == second.process.pid)
    result = cli("evidence", "report", str(tmp_path / "ledger"), "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    [chain] = json.loads(result.stdout)["admission"]["chains"]
    assert [(g["from"], g["to"]) for g in chain["gaps"]] == [(covered[:19] + "Z", resumed[:19] + "Z")]
    assert chain["gaps"][0]["seconds"] >= 3 and chain["batches"] == len(batches)


def test_a_reload_applies_the_new_interval_and_keeps_the_open_batch(tmp_path: Path, start) -> None:
    config = write_config(tmp_path, "file:ledger", 3600)
    server = start(tmp_path, config)
    before = send_mix(server)
    write_config(tmp_path, "file:ledger", 1)
    server.signal(signal.SIGHUP)
    assert server.wait_event("reload")["result"] == "ok"
    first = server.wait_event("evidence", 1)  # within seconds, not after the hour of the old interval
    assert first["result"] == "ok" and first["decisions"] == len(before)
    after = review(first_object(PRIVILEGED, "Deployment"), namespace="payments")
    assert server.post(after)[0] == 200
    server.decision_for(after["request"]["uid"])
    assert server.stop() == 0
    batches = batch_records(tmp_path / "ledger")
    assert sum(b["admission"]["decisions"] for b in batches) == len(before) + 1
    assert batches[0]["admission"]["generations"] == [1]
    assert sum(b["admission"]["decisions"] for b in batches if b["admission"]["generations"] == [2]) == 1
    assert [b["webhook"]["interval_ms"] for b in batches[:1]] == [1000]
