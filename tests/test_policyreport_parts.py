"""PolicyReports split into stable parts: a resource's part is sha256(identity) mod N (N a power of two
from the resource count, kept with hysteresis by the monitor), so one changed object rewrites one part.

Against the loopback list/watch server (tests/kube_watch_server.py): the monitor's API writes are
counted for a change and a deletion in a namespace of 40 Deployments (several parts)."""

from __future__ import annotations

import copy
import re
from dataclasses import replace

import jsonschema
import pytest

from admission_reviews import first_object
from kube_watch_server import TOKEN
from soc2gate.api import policy_reports
from soc2gate.model import Finding, Outcome, SourceSpan
from soc2gate.reporters.policyreport import PART_RESOURCES, documents, part_count, partition
from test_monitor import GOAT, put, reports, results, running, seeded_api  # noqa: F401 - fixture
from test_policyreport import _schema, result  # noqa: F401 - fixture

DNS = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def pods(namespace: str, count: int, start: int = 0) -> list[Finding]:
    return [Finding(policy, Outcome.FAIL, "high", ("CC6.1",), f"Pod/{namespace}/p{i}", "Pod", "m",
                    SourceSpan(f"p{i}.yaml", 1, 1), "kubernetes")
            for i in range(start, start + count) for policy in ("K8S-001", "K8S-002")]


def assignment(findings: list[Finding], previous: int | None = None) -> dict[str, int]:
    _, parts = partition(findings, previous)
    return {f.resource: part for part, members in parts.items() for f in members}


def test_part_count_is_a_power_of_two_with_hysteresis() -> None:
    size = PART_RESOURCES
    assert [part_count(n) for n in (0, 1, size, size + 1, 4 * size + 1)] == [1, 1, 1, 2, 8]
    assert part_count(2 * PART_RESOURCES + 1, previous=2) == 2, "within twice the target: kept"
    assert part_count(4 * PART_RESOURCES + 1, previous=2) == 8, "beyond: recomputed"
    assert part_count(2 * PART_RESOURCES + 1, previous=8) == 8, "above a quarter of the target on average: kept"
    assert part_count(2 * PART_RESOURCES, previous=8) == 2


def test_a_resource_keeps_its_part_while_others_come_and_go() -> None:
    size = PART_RESOURCES
    base = assignment(pods("shop", 6 * size))
    assert part_count(6 * size) == 8 and set(base.values()) <= set(range(8))
    grown = assignment(pods("shop", 7 * size))  # still 8 parts
    assert {r: grown[r] for r in base} == base
    shrunk = assignment(pods("shop", 5 * size))  # still 8 parts
    assert all(shrunk[r] == base[r] for r in shrunk)
    doubled = assignment(pods("shop", 9 * size))  # 16 parts: part i splits into i and i + 8
    assert all(doubled[r] % 8 == base[r] for r in base)
    assert assignment(pods("shop", 9 * size), previous=8) == {r: p % 8 for r, p in doubled.items()}


def test_parts_are_small_named_labelled_and_valid(result) -> None:  # noqa: F811 - fixture
    namespace = "n" * 63
    found = documents(replace(result, findings=tuple(pods(namespace, 100) + pods("shop", 3))))
    mine = [d for d in found if d["metadata"].get("namespace") == namespace]
    count = part_count(100)
    assert count > 1 and 1 < len(mine) <= count and sum(len(d["results"]) for d in mine) == 200
    for document in mine:
        metadata = document["metadata"]
        assert DNS.match(metadata["name"]) and len(metadata["name"]) <= 253
        assert metadata["name"] == f"soc2gate-{namespace}-p{metadata['labels']['soc2gate.io/part']}"
        assert metadata["labels"]["soc2gate.io/group"] == namespace
        assert metadata["labels"]["soc2gate.io/parts"] == str(count)
        assert document["summary"]["fail"] == len(document["results"])
        jsonschema.validate(document, _schema("PolicyReport"))
    assert [d["metadata"]["name"] for d in found if d["metadata"].get("namespace") == "shop"] == ["soc2gate-shop"]


def test_the_monitor_memo_keeps_parts_and_rebuilds_only_the_changed_one(result) -> None:  # noqa: F811 - fixture
    findings = pods("shop", 100)
    memo: dict = {}
    first = policy_reports(replace(result, findings=tuple(findings)), memo)
    findings[0] = replace(findings[0], outcome=Outcome.PASS)
    second = policy_reports(replace(result, findings=tuple(findings)), memo)
    assert sum(a is not b for a, b in zip(first, second, strict=True)) == 1
    assert second == documents(replace(result, findings=tuple(findings)))


@pytest.fixture()
def big_namespace():
    api = seeded_api()
    put(api, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "big"}})
    deployment = first_object(GOAT / "health-check/deployment.yaml", "Deployment")
    for index in range(40):
        obj = copy.deepcopy(deployment)
        obj["metadata"]["name"] = f"app-{index}"
        put(api, obj, "big")
    return api, deployment


def versions(api) -> dict[str, str]:
    return {r["metadata"]["name"]: r["metadata"]["resourceVersion"] for r in reports(api)
            if r["metadata"].get("namespace") == "big"}


def test_one_changed_object_rewrites_exactly_one_report(running, big_namespace) -> None:
    api, deployment = big_namespace
    run = running(api)
    run.settled(lambda: bool(run.monitor.history))
    before, writes = versions(api), api.writes(TOKEN, "policyreports")
    assert len(before) > 1 and all(name.startswith("soc2gate-big-p") for name in before)
    assert results(api, "Deployment", "big", "app-7")["K8S-001"] == "fail"

    hardened = copy.deepcopy(deployment)
    hardened["metadata"]["name"] = "app-7"
    for container in hardened["spec"]["template"]["spec"]["containers"]:
        container["securityContext"] = {"privileged": False, "allowPrivilegeEscalation": False}
    version = put(api, hardened, "big")["metadata"]["resourceVersion"]
    cycle = run.settled(lambda: any(o["metadata"].get("resourceVersion") == version
                                    for o in run.monitor.cache.snapshot()[0]["Deployment"]))
    assert results(api, "Deployment", "big", "app-7")["K8S-001"] == "pass"
    after = versions(api)
    assert api.writes(TOKEN, "policyreports") - writes == 1 and cycle.writes.replaced == 1
    assert len([name for name in before if before[name] != after[name]]) == 1

    writes = api.writes(TOKEN, "policyreports")
    api.delete("apps/v1", "deployments", "big", "app-7")
    run.settled(run.has("Deployment", "big", "app-7", present=False))
    assert results(api, "Deployment", "big", "app-7") == {}, "a deleted object's results disappear"
    assert api.writes(TOKEN, "policyreports") - writes == 1
    assert sum(len(r["results"]) for r in reports(api) if r["metadata"].get("namespace") == "big") > 0
