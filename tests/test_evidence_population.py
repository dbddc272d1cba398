"""Population exports an auditor samples: real change-record scans recorded with ``--evidence``,
exported as CSV and JSON (round trip), a reproducible sample, ``evidence show``, and a PostgreSQL
store with one chain per repository."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from evidence_history import generate
from pg_server import PostgresServer, postgres  # noqa: F401 (fixture)
from soc2gate.cli import cli
from soc2gate.commands import register_all
from soc2gate.evidence.admin import init_store

register_all(cli)
FIXTURES = Path(__file__).resolve().parent.parent / "policies" / "change" / "approvals" / "fixtures"
SCANNED = {  # fixture -> (change id, approvers before merge)
    "pass/record-approved-before-merge.json": ("github/Codertocat/Hello-World#2", ["octocat"]),
    "fail/record-approved-after-merge.json": ("github/Codertocat/Hello-World#2", []),  # approved after the merge
    "pass/gitlab-approved-before-merge.json": ("gitlab/gitlabhq/gitlab-test!1", ["reviewer1"]),
}


def invoke(args: list[str]):
    result = CliRunner().invoke(cli, args)
    if result.exception and not isinstance(result.exception, SystemExit):
        from soc2gate.errors import Soc2gateError

        assert isinstance(result.exception, Soc2gateError), result.exception
        return result.exception.exit_code, str(result.exception)
    return result.exit_code, result.stdout + result.stderr if result.exit_code else result.stdout


@pytest.fixture
def scanned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("GITHUB_ACTIONS", "GITLAB_CI", "JENKINS_URL", "CIRCLECI"):
        monkeypatch.delenv(name, raising=False)
    ledger = tmp_path / "ledger"
    for fixture in SCANNED:
        code, output = invoke(["scan", str(FIXTURES / fixture), "--config", str(FIXTURES / "config.yaml"),
                               "--evidence", str(ledger), "--format", "json"])
        assert code in (0, 1), output
    return ledger


def test_change_population_round_trips_with_approvals_before_the_merge_only(scanned: Path) -> None:
    code, output = invoke(["evidence", "population", str(scanned), "--kind", "changes", "--format", "json"])
    assert code == 0, output
    items = json.loads(output)["items"]
    assert [(i["record"], i["id"], i["approvers_before_merge"]) for i in items] == [
        (n, change, approvers) for n, (change, approvers) in enumerate(SCANNED.values(), start=1)]
    ledger = [json.loads(line) for line in (scanned / "ledger.jsonl").read_text().splitlines()]
    assert [i["record_hash"] for i in items] == [r["hash"] for r in ledger]
    assert all(i["checks"] == r["changes"][0]["checks"] for i, r in zip(items, ledger))
    assert {i["cc81_verdict"] for i in items} <= {"passed", "failed", "inconclusive", "waived"}
    code, text = invoke(["evidence", "population", str(scanned), "--kind", "changes", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert code == 0 and [(r["id"], r["record_hash"]) for r in rows] == [(i["id"], i["record_hash"]) for i in items]
    assert rows[0]["approvers_before_merge"] == "octocat" and rows[1]["approvers_before_merge"] == ""
    code, runs = invoke(["evidence", "population", str(scanned), "--kind", "runs", "--format", "json"])
    assert code == 0 and len(json.loads(runs)["items"]) == 3
    code, markdown = invoke(["evidence", "report", str(scanned)])
    assert code == 0 and "## CC8.1 change population" in markdown and "3 change(s) evaluated" in markdown
    assert "## Scope and chain heads" in markdown and f"| ledger | 3 | {items[-1]['record_hash']} | 3 |" in markdown


def test_sample_is_reproducible_and_says_how(tmp_path: Path) -> None:
    directory = tmp_path / "ledger"
    planned = generate(str(directory), runs=150)
    args = ["evidence", "population", str(directory), "--kind", "changes", "--format", "json", "--from", "2025-01-01",
            "--to", "2025-12-31"]
    code, full = invoke(args)
    population = json.loads(full)["items"]
    assert code == 0 and len(population) == sum(1 for _, repo, _, _ in planned if repo == "acme/app")
    assert len({(i["chain"], i["record"]) for i in population}) == len(population)  # each change once
    first, again, other = (json.loads(invoke(args + ["--sample", "10", "--seed", seed])[1]) for seed in ("7", "7", "8"))
    assert first == again and first["items"] != other["items"]
    how = first["sampling"]
    assert (how["population"], how["sample"], how["seed"]) == (len(population), 10, 7)
    assert [population[p - 1] for p in how["positions"]] == first["items"]
    assert "random.Random(SEED).sample" in how["method"]
    exceptions = json.loads(invoke([*args[:4], "exceptions", *args[5:]])[1])["items"]
    assert {(e["policy"], tuple(e["controls"]), e["origin"]) for e in exceptions} == {
        ("TF-004", ("CC6.6",), "central"), ("K8S-001", ("CC6.1", "CC6.8"), "baseline")}
    empty = invoke([*args[:4], "runs", "--format", "csv", "--from", "2030-01-01"])[1]
    assert empty.startswith("chain,record,record_hash,run_id,") and len(empty.splitlines()) == 1
    code, message = invoke(args + ["--sample", "5"])
    assert code == 2 and "--seed" in message


def test_show_prints_one_record_and_refuses_unknown_ones(scanned: Path) -> None:
    code, output = invoke(["evidence", "show", str(scanned), "#2"])
    shown = json.loads(output)
    assert code == 0 and shown["store_verified"] and shown["record"]["seq"] == 2
    assert shown["record"]["changes"][0]["approvers_before_merge"] == []
    by_run = json.loads(invoke(["evidence", "show", str(scanned), shown["record"]["run_id"]])[1])
    assert by_run["record"] == shown["record"]
    code, message = invoke(["evidence", "show", str(scanned), "99"])
    assert code == 2 and "record '99': not found" in message


def test_a_store_that_does_not_verify_exports_nothing(scanned: Path) -> None:
    lines = (scanned / "ledger.jsonl").read_text().splitlines()
    (scanned / "ledger.jsonl").write_text("\n".join([lines[0], lines[2]]) + "\n")
    code, output = invoke(["evidence", "population", str(scanned), "--kind", "changes"])
    assert code == 1 and "does not verify" in output and "github/" not in output


def test_postgres_store_population_and_html_report(postgres: PostgresServer, tmp_path: Path) -> None:  # noqa: F811
    name = postgres.create_database()
    url = postgres.migrator_url(name)
    init_store(url)
    planned = generate(url, runs=60)
    code, output = invoke(["evidence", "population", url, "--kind", "runs", "--format", "json"])
    items = json.loads(output)["items"]
    assert code == 0 and len(items) == 60
    assert {i["chain"] for i in items} == {"acme/app", "acme/infra", "acme/k8s"}
    assert all(i["chain"] == i["ci_repo"] for i in items)
    code, output = invoke(["evidence", "report", url, "--format", "json"])
    report = json.loads(output)
    assert code == 0 and report["runs"] == len(planned) and len(report["integrity"]["chains"]) == 3
    code, output = invoke(["evidence", "show", url, "1"])
    assert code == 2 and "add --chain" in output
    code, output = invoke(["evidence", "show", url, "1", "--chain", "acme/k8s"])
    assert code == 0 and json.loads(output)["chain"] == "acme/k8s"
