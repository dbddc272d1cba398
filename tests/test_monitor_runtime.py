"""What keeps the monitor's change cycles small at 10,000 objects: each report serialised once (the bytes
sent are the document, and a report read back from the server digests like the one written), a part built
again reuses its unchanged findings' result entries, and the heap a cycle leaves is frozen for the
collector but collected after every full cycle (garbage cycles live one interval at most)."""

from __future__ import annotations

import gc
import json
import random
import weakref
from dataclasses import replace

from soc2gate.api import policy_reports
from soc2gate.model import Outcome
from soc2gate.monitor.loop import _settle_heap
from soc2gate.monitor.metrics import MonitorMetrics
from soc2gate.monitor.reports import serialized
from soc2gate.reporters.policyreport import documents
from test_policyreport import result  # noqa: F401 - fixture
from test_policyreport_parts import pods


def test_a_report_is_sent_as_the_bytes_of_the_document_and_digests_like_its_copy_on_the_server(result) -> None:  # noqa: F811
    document = documents(replace(result, findings=tuple(pods("shop", 3))))[0]
    body, digest = serialized(document)
    assert json.loads(body) == document
    stored = json.loads(json.dumps(document, sort_keys=True))  # what a server gives back: its own key order
    stored["metadata"].update(resourceVersion="42", uid="u-1", managedFields=[{"manager": "soc2gate"}])
    assert serialized(stored)[1] == digest, "server-side metadata is not what soc2gate writes"
    changed = json.loads(body)
    changed["results"][0]["result"] = "pass"
    relabelled = json.loads(body)
    relabelled["metadata"]["labels"]["soc2gate.io/parts"] = "8"
    assert len({digest, serialized(changed)[1], serialized(relabelled)[1]}) == 3


def test_a_rebuilt_part_reuses_the_entries_of_its_unchanged_findings(result) -> None:  # noqa: F811
    findings = pods("shop", 2)
    memo: dict = {}
    first = policy_reports(replace(result, findings=tuple(findings)), memo)
    findings[0] = replace(findings[0], outcome=Outcome.PASS)
    second = policy_reports(replace(result, findings=tuple(findings)), memo)
    assert len(first) == len(second) == 1 and first[0] is not second[0]
    kept = [a for a in first[0]["results"] if any(a is b for b in second[0]["results"])]
    assert len(kept) == len(findings) - 1, "only the changed finding's entry is new"
    assert second == documents(replace(result, findings=tuple(findings)))


def test_reused_parts_and_entries_give_what_building_everything_again_gives(result) -> None:  # noqa: F811
    """Objects change, come and go (parts re-counted), the verdict changes: the documents are those built
    from nothing with the same part counts (which the memo keeps with hysteresis) every time."""
    rng = random.Random(7)
    findings = pods("shop", 30) + pods("web", 3)
    memo: dict = {}
    for step in range(40):
        action = rng.choice(["flip", "flip", "add", "drop", "strict"])
        if action == "flip":
            index = rng.randrange(len(findings))
            turn = {Outcome.FAIL: Outcome.PASS, Outcome.PASS: Outcome.INCONCLUSIVE, Outcome.INCONCLUSIVE: Outcome.FAIL}
            findings[index] = replace(findings[index], outcome=turn[findings[index].outcome])
        elif action == "add":
            findings += pods(rng.choice(["shop", "web", "db"]), rng.randint(1, 12), start=100 + step * 20)
        elif action == "drop" and len(findings) > 10:
            gone = findings[rng.randrange(len(findings))].resource
            findings = [f for f in findings if f.resource != gone]
        current = replace(result, findings=tuple(findings))
        if action == "strict":
            current = replace(current, verdict=replace(current.verdict, strict=not current.verdict.strict))
        counts_only = {placement: (count, {}) for placement, (count, _) in memo.items()}
        assert policy_reports(current, memo) == policy_reports(current, counts_only), (step, action)


class _Node:
    def __init__(self) -> None:
        self.me = self  # a garbage cycle once dropped


def test_the_heap_is_frozen_after_a_cycle_and_collected_after_a_full_one() -> None:
    try:
        node = _Node()
        alive = weakref.ref(node)
        _settle_heap(collect=False)
        assert gc.get_freeze_count() > 0
        del node
        gc.collect()
        assert alive() is not None, "frozen: a change cycle's collections do not walk it"
        _settle_heap(collect=True)
        assert alive() is None, "a full cycle collects what was frozen"
    finally:
        gc.unfreeze()


def _samples(metrics: MonitorMetrics) -> dict[tuple, float]:
    names = ("soc2gate_monitor_failing_findings", "soc2gate_monitor_failing_resource")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value for family in metrics.registry.collect()
            for s in family.samples if s.name in names}


def test_metrics_counted_from_changed_groups_equal_a_count_of_everything(result) -> None:  # noqa: F811
    """The monitor hands its findings grouped per object, an unchanged object's group the same tuple; the
    series exported equal those of a fresh count of the whole result, cycle after cycle."""
    rng = random.Random(11)
    groups = [tuple(pods(namespace, 1, start=i)) for i in range(12) for namespace in ("shop", "web")]
    incremental = MonitorMetrics()
    for step in range(30):
        index = rng.randrange(len(groups))
        if step % 7 == 6:
            del groups[index]
        else:
            turn = rng.choice([Outcome.PASS, Outcome.FAIL, Outcome.INCONCLUSIVE])
            groups[index] = tuple(replace(f, outcome=turn if rng.random() < 0.5 else f.outcome) for f in groups[index])
        current = replace(result, findings=tuple(f for group in groups for f in group))
        incremental.observe(current, 0.1, len(groups), False, 0.0, False, groups)
        fresh = MonitorMetrics()
        fresh.observe(current, 0.1, len(groups), False, 0.0, False)
        assert _samples(incremental) == _samples(fresh), step
    incremental.withdraw()
    assert _samples(incremental) == {}
