"""Pure part of the checkov differential benchmark: verdict tables, comparison, classification.

A *row* is one verdict on one resource of one target: a target is a policy fixture
(``fixture:<policy slug>/<kind>/<name>``) or a file of the real corpus (``real:<relative path>``).
Resources are compared by address without module prefixes and instance keys, and the verdicts
of every instance/module call of a resource are folded: any failure is a failure.

Used by ``differential_checkov.py`` (which runs both tools) and by
``tests/test_differential_claims.py`` (which checks METADATA claims against the committed results).
"""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

_MODULES = re.compile(r"^(?:module\.[^.\[]+(?:\[[^\]]*\])?\.)+")
_INDEX = re.compile(r"\[[^\]]*\]")

# Classes of a disagreement (benchmarks/differential/classified.yaml).
CLASSES = ("soc2gate bug", "checkov bug", "deliberate difference", "fixture artefact")
TOLERATED_FOR_EQUIVALENTS = ("checkov bug", "fixture artefact")


def resource_key(address: str) -> str:
    """No module prefix, no instance key, no `data.` (checkov names data sources without it)."""
    return _INDEX.sub("", _MODULES.sub("", address)).removeprefix("data.")


def fold(rows: Iterable[tuple[str, str, str, str]]) -> dict[tuple[str, str, str], str]:
    """(id, target, resource, verdict) rows -> one verdict per (id, target, resource key)."""
    rank = {"fail": 3, "inconclusive": 2, "pass": 1}
    folded: dict[tuple[str, str, str], str] = {}
    for check, target, resource, verdict in rows:
        if verdict not in rank:
            continue
        key = (check, target, resource_key(resource))
        if rank[verdict] > rank.get(folded.get(key, ""), 0):
            folded[key] = verdict
    return folded


@dataclass
class Pair:
    """soc2gate policy vs one checkov check."""

    policy: str
    check: str
    claim: str  # "equivalent" | "related"
    agree: int = 0
    inconclusive: int = 0
    only_soc2gate: int = 0
    only_checkov: int = 0

    def as_dict(self, disagreements: list[dict[str, str]]) -> dict[str, Any]:
        return {"policy": self.policy, "checkov": self.check, "claim": self.claim, "agree": self.agree,
                "disagree": len(disagreements), "inconclusive": self.inconclusive,
                "only_soc2gate": self.only_soc2gate, "only_checkov": self.only_checkov,
                "disagreements": disagreements}


def compare(claims: dict[str, dict[str, list[str]]], native: dict[tuple[str, str, str], str],
            checkov: dict[tuple[str, str, str], str]) -> list[dict[str, Any]]:
    """Every claim: counts and the disagreements, resource by resource.

    The equivalent checks of a policy are compared together (``CKV_A+CKV_B``): the policy claims to
    fail exactly where any of them fails (a password policy is every one of its rules); each related
    check is compared alone, for information.
    """
    by_policy: dict[str, dict[tuple[str, str], str]] = {}
    for (policy, target, resource), verdict in native.items():
        by_policy.setdefault(policy, {})[(target, resource)] = verdict
    by_check: dict[str, dict[tuple[str, str], str]] = {}
    for (check, target, resource), verdict in checkov.items():
        by_check.setdefault(check, {})[(target, resource)] = verdict
    pairs = []
    for policy in sorted(claims):
        mine = by_policy.get(policy, {})
        equivalent = claims[policy].get("checkov", [])
        if equivalent:
            pair = _pair(Pair(policy, "+".join(equivalent), "equivalent"), mine,
                         combined([by_check.get(c, {}) for c in equivalent]))
            pair["shared"] = {c: len(set(mine) & set(by_check.get(c, {}))) for c in equivalent}
            pairs.append(pair)
        for check in claims[policy].get("related_checkov", []):
            pairs.append(_pair(Pair(policy, check, "related"), mine, by_check.get(check, {})))
    return pairs


def combined(verdicts: list[dict[tuple[str, str], str]]) -> dict[tuple[str, str], str]:
    """Fail where any check fails, pass where every check that judged the resource passes."""
    result: dict[tuple[str, str], str] = {}
    for table in verdicts:
        for where, verdict in table.items():
            if result.get(where) != "fail":
                result[where] = verdict
    return result


def _pair(pair: Pair, mine: dict[tuple[str, str], str], theirs: dict[tuple[str, str], str]) -> dict[str, Any]:
    disagreements = []
    for where in sorted(set(mine) | set(theirs)):
        ours, other = mine.get(where), theirs.get(where)
        if ours is None:
            pair.only_checkov += 1
        elif other is None:
            pair.only_soc2gate += 1
        elif ours == "inconclusive":
            pair.inconclusive += 1
        elif ours == other:
            pair.agree += 1
        else:
            disagreements.append({"target": where[0], "resource": where[1], "soc2gate": ours, "checkov": other})
    return pair.as_dict(disagreements)


@dataclass(frozen=True)
class Classification:
    policy: str
    checkov: str
    target: str
    resource: str
    kind: str
    reason: str

    def matches(self, policy: str, check: str, item: dict[str, str]) -> bool:
        return (self.policy == policy and self.checkov in (check, *check.split("+"))
                and fnmatch.fnmatchcase(item["target"], self.target)
                and fnmatch.fnmatchcase(item["resource"], self.resource))


def load_classifications(path: Path) -> list[Classification]:
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    found = []
    for index, entry in enumerate(data.get("classified") or []):
        kind = entry.get("class")
        if kind not in CLASSES or not str(entry.get("reason", "")).strip():
            raise ValueError(f"{path}: classified[{index}] needs `class` (one of {', '.join(CLASSES)}) and a `reason`")
        found.append(Classification(str(entry["policy"]), str(entry["checkov"]), str(entry.get("target", "*")),
                                    str(entry.get("resource", "*")), kind, str(entry["reason"]).strip()))
    return found


def classify(pairs: list[dict[str, Any]], notes: list[Classification]) -> list[dict[str, Any]]:
    """Annotate every disagreement with the first classification that matches it (or none)."""
    for pair in pairs:
        for item in pair["disagreements"]:
            note = next((n for n in notes if n.matches(pair["policy"], pair["checkov"], item)), None)
            item["class"] = note.kind if note else "unclassified"
            if note:
                item["reason"] = note.reason
    return pairs


def claim_problems(claims: dict[str, dict[str, list[str]]], results: dict[str, Any],
                   notes: list[Classification]) -> list[str]:
    """Why the METADATA claims are not backed by the measured, classified results (empty: they are)."""
    measured = {(p["policy"], p["checkov"]): p for p in results.get("pairs", [])}
    problems = []
    for policy, claim in sorted(claims.items()):
        if not claim.get("checkov"):
            continue
        label = "+".join(claim["checkov"])
        pair = measured.get((policy, label))
        if pair is None or pair["claim"] != "equivalent":
            problems.append(f"{policy} claims {label} as equivalent but the results do not measure it as such: "
                            "re-run benchmarks/differential_checkov.py")
            continue
        problems.extend(_equivalent_problems(pair, notes))
    for note in notes:
        if note.kind == "soc2gate bug":
            pairs = [p for (policy, _), p in measured.items() if policy == note.policy]
            if any(note.matches(p["policy"], p["checkov"], d) for p in pairs for d in p["disagreements"]):
                problems.append(f"{note.policy}/{note.checkov}: classified a soc2gate bug but still disagrees "
                                f"on {note.target}: fix the policy")
    return problems


def _equivalent_problems(pair: dict[str, Any], notes: list[Classification]) -> list[str]:
    problems = []
    if pair["agree"] + pair["disagree"] == 0:
        problems.append(f"{pair['policy']} claims {pair['checkov']} as equivalent but no resource was judged by both")
    for check, shared in pair.get("shared", {}).items():
        if shared == 0 and "+" in pair["checkov"]:
            problems.append(f"{pair['policy']} claims {check} as equivalent but it judged none of the policy's "
                            "resources (another resource type?): make it related_checkov")
    for item in pair["disagreements"]:
        note = next((n for n in notes if n.matches(pair["policy"], pair["checkov"], item)), None)
        where = f"{item['target']} {item['resource']} (soc2gate {item['soc2gate']}, checkov {item['checkov']})"
        if note is None:
            problems.append(f"{pair['policy']} claims {pair['checkov']} as equivalent; unclassified disagreement: {where}")
        elif note.kind not in TOLERATED_FOR_EQUIVALENTS:
            problems.append(f"{pair['policy']}/{pair['checkov']}: {where} is a {note.kind}: "
                            + ("fix the policy" if note.kind == "soc2gate bug" else "make the claim related_checkov"))
    return problems


def policy_claims(policies: Iterable[Any]) -> dict[str, dict[str, list[str]]]:
    """{policy id: {"checkov": [...], "related_checkov": [...]}} for Terraform policies with any claim."""
    claims = {}
    for policy in policies:
        related = list(getattr(policy, "related_checkov", {}) or {})
        if policy.surface == "terraform" and (policy.checkov or related):
            claims[policy.id] = {"checkov": list(policy.checkov), "related_checkov": related}
    return claims


def read_results(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))
