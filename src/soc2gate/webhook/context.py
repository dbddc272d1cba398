"""Which policies need other cluster objects, and so cannot be decided at admission time.

An AdmissionReview carries one object.  A policy such as "every workload is selected by a
NetworkPolicy" reads objects of kinds it does not judge; evaluated on the one object it would
deny everything (or pass nothing), so the webhook skips it and says so in every decision.
``soc2gate audit`` evaluates these policies with the whole cluster.

Detection is static: the Kubernetes kinds a policy's Rego reads (``k8s.resources("Kind")``,
``input.resources.Kind``, ``input.workloads``, directly or through a library rule) minus the
kinds it judges (``resource_types``).  ``webhook.context_policies.skip`` / ``.evaluate``
adjust the result.
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

from soc2gate.api import judged_kinds
from soc2gate.model import WORKLOAD_KINDS, Policy

_KIND_PATTERNS = (
    re.compile(r'resources\(\s*"([A-Za-z0-9]+)"\s*\)'),
    re.compile(r'input\.resources\.([A-Za-z0-9]+)'),
    re.compile(r'input\.resources\[\s*"([A-Za-z0-9]+)"\s*\]'),
)
_WORKLOADS = re.compile(r"\bworkloads\b")
_RULE_START = re.compile(r"^(?:default\s+)?([A-Za-z_][A-Za-z0-9_]*)")
_QUALIFIED = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\.([A-Za-z_][A-Za-z0-9_]*)\b")
_SKIP_HEADS = {"package", "import"}


def _kinds_in(text: str) -> set[str]:
    kinds = {m.group(1) for pattern in _KIND_PATTERNS for m in pattern.finditer(text)}
    if _WORKLOADS.search(text):
        kinds.update(WORKLOAD_KINDS)
    return kinds


def _strip_comments(source: str) -> str:
    return "\n".join(line.split("#", 1)[0] if not line.lstrip().startswith("#") else "" for line in source.splitlines())


def _rule_blocks(source: str) -> dict[str, str]:
    """Top-level rule name -> the text of all its definitions."""
    blocks: dict[str, list[str]] = {}
    current: str | None = None
    for line in _strip_comments(source).splitlines():
        match = _RULE_START.match(line)
        if match and match.group(1) not in _SKIP_HEADS:
            current = match.group(1)
        elif match:
            current = None
        if current is not None:
            blocks.setdefault(current, []).append(line)
    return {name: "\n".join(lines) for name, lines in blocks.items()}


def library_kinds(library_sources: Iterable[str]) -> dict[str, set[str]]:
    """Kinds each library rule reads, following calls between library rules."""
    blocks: dict[str, str] = {}
    for source in library_sources:
        for name, text in _rule_blocks(source).items():
            blocks[name] = blocks.get(name, "") + "\n" + text
    kinds = {name: _kinds_in(text) for name, text in blocks.items()}
    calls = {name: {w for w in re.findall(r"\b[A-Za-z_][A-Za-z0-9_]*\b", text) if w in blocks and w != name}
             for name, text in blocks.items()}
    changed = True
    while changed:
        changed = False
        for name, callees in calls.items():
            merged = set().union(kinds[name], *(kinds[c] for c in callees))
            if merged != kinds[name]:
                kinds[name], changed = merged, True
    return kinds


def other_kinds(policy: Policy, lib: dict[str, set[str]]) -> set[str]:
    """Kinds the policy reads beyond those it judges."""
    source = _strip_comments(policy.source)
    read = _kinds_in(source)
    for match in _QUALIFIED.finditer(source):
        read.update(lib.get(match.group(1), set()))
    return read - judged_kinds(policy)


def _describe(kinds: set[str]) -> str:
    names = sorted(kinds - set(WORKLOAD_KINDS))
    if set(WORKLOAD_KINDS) <= kinds:
        names.insert(0, "workloads")
    else:
        names = sorted(kinds)
    return ", ".join(names)


def context_policies(policies: Sequence[Policy], library_sources: Iterable[str],
                     skip: Sequence[str] = (), evaluate: Sequence[str] = ()) -> dict[str, str]:
    """Kubernetes policy id -> why it is not evaluated at admission."""
    lib = library_kinds(library_sources)
    found: dict[str, str] = {}
    for policy in policies:
        if policy.surface != "kubernetes" or policy.id in evaluate:
            continue
        kinds = other_kinds(policy, lib)
        if kinds:
            found[policy.id] = f"reads other objects ({_describe(kinds)})"
        elif policy.id in skip:
            found[policy.id] = "listed in webhook.context_policies.skip"
    return found
