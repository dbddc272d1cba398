"""One generation of what admission decisions depend on, and the Gate an evaluation worker uses.

``load`` reads and validates configuration, webhook settings and policies once (raising
Soc2gateError on anything invalid) into a ``Loaded`` that is sent to the worker processes;
``worker_gate`` asks the API for the admission gate of the calling worker process (the
Kubernetes policies only, with an engine compiled in that process and warmed).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from soc2gate import api
from soc2gate.api import Gate, ScanOptions
from soc2gate.errors import ConfigError
from soc2gate.webhook.context import context_policies
from soc2gate.webhook.settings import WebhookSettings, webhook_settings


@dataclass(frozen=True)
class Loaded:
    """One generation of everything a decision depends on."""

    generation: int
    gate: Gate  # the API's admission template: each worker process compiles its own engine
    settings: WebhookSettings
    context: Mapping[str, str]  # policy id -> why it is not evaluated at admission
    judges: Mapping[str, frozenset[str]]  # policy id -> kinds it judges
    evidence: Any = None  # the evidence store's settings (soc2gate.evidence.EvidenceSettings) when batches are on

    def skipped_for(self, kind: str) -> dict[str, str]:
        return {pid: why for pid, why in self.context.items() if kind in self.judges.get(pid, ())}


def load(options: ScanOptions, mode: str | None, generation: int) -> Loaded:
    """Load and validate config, webhook settings and policies (raises Soc2gateError)."""
    gate = api.admission_template(options)
    settings = webhook_settings(gate.config.section("webhook"), mode)
    known = {p.id for p in gate.policies}
    where = gate.config.path or ".soc2gate.yaml"
    for key, ids in (("enforcement", settings.enforcement), ("context_policies.skip", settings.skip_policies),
                     ("context_policies.evaluate", settings.evaluate_policies)):
        unknown = sorted(set(ids) - known)
        if unknown:
            raise ConfigError(f"{where}: invalid configuration at `webhook.{key}`: "
                              f"unknown policy id(s) {', '.join(unknown)}")
    libraries = [source for path, source in gate.bundle.modules if Path(path).name != "policy.rego"]
    context = context_policies(gate.policies, libraries, settings.skip_policies, settings.evaluate_policies)
    judges = {p.id: api.judged_kinds(p) for p in gate.policies}
    evidence = api.evidence_store_settings(gate.config, where) if settings.evidence is not None else None
    return Loaded(generation, gate, settings, context, judges, evidence)


def worker_gate(template: Gate) -> Gate:
    """The gate an evaluation worker process uses, built by the API from the loaded template."""
    return api.admission_gate(template)
