"""One generation of what admission decisions depend on, and the Gate an evaluation worker uses.

``load`` reads and validates configuration, webhook settings and policies once (raising
Soc2gateError on anything invalid); ``thread_gate`` turns that template into a Gate with an
engine of the calling thread (regorus engines are bound to their thread: used, or even
dropped, on another one they raise), compiled over the Kubernetes policies only and warmed.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Mapping

from soc2gate.api import Gate, ScanOptions
from soc2gate.catalog.policies import PolicyBundle
from soc2gate.engine import get_engine
from soc2gate.engine.base import QUERY
from soc2gate.engine.input_doc import build_input, expand_types
from soc2gate.errors import ConfigError
from soc2gate.parsers.kubernetes import object_resource
from soc2gate.webhook.context import context_policies
from soc2gate.webhook.settings import WebhookSettings, webhook_settings


@dataclass(frozen=True)
class Loaded:
    """One generation of everything a decision depends on."""

    generation: int
    gate: Gate  # a template: a regorus engine is released here; workers compile their own
    settings: WebhookSettings
    context: Mapping[str, str]  # policy id -> why it is not evaluated at admission
    judges: Mapping[str, frozenset[str]]  # policy id -> kinds it judges
    evidence: Any = None  # the evidence store's settings (soc2gate.evidence.EvidenceSettings) when batches are on

    def skipped_for(self, kind: str) -> dict[str, str]:
        return {pid: why for pid, why in self.context.items() if kind in self.judges.get(pid, ())}


def load(options: ScanOptions, mode: str | None, generation: int) -> Loaded:
    """Load and validate config, webhook settings and policies (raises Soc2gateError)."""
    gate = Gate.load(options)
    if gate.engine.name == "regorus":  # bound to this thread: drop it here, each worker compiles its own
        gate.engine = None  # type: ignore[assignment]
    settings = webhook_settings(gate.config.section("webhook"), mode)
    known = {p.id for p in gate.policies}
    where = gate.config.path or ".soc2gate.yaml"
    for key, ids in (("enforcement", settings.enforcement), ("context_policies.skip", settings.skip_policies),
                     ("context_policies.evaluate", settings.evaluate_policies)):
        unknown = sorted(set(ids) - known)
        if unknown:
            raise ConfigError(f"{where}: invalid configuration at `webhook.{key}`: unknown policy id(s) {', '.join(unknown)}")
    libraries = [source for path, source in gate.bundle.modules if Path(path).name != "policy.rego"]
    context = context_policies(gate.policies, libraries, settings.skip_policies, settings.evaluate_policies)
    judges = {p.id: expand_types(p.resource_types) for p in gate.policies}
    return Loaded(generation, gate, settings, context, judges, _evidence_store(gate, settings, where))


def _evidence_store(gate: Gate, settings: WebhookSettings, where: str) -> Any:
    """The store batch records go to (``webhook.evidence`` needs ``evidence.url``); its key is checked now."""
    from soc2gate import evidence
    from soc2gate.evidence.signing import Signer

    if settings.evidence is None:
        return None
    chosen = evidence.settings(gate.config)
    if chosen is None:
        raise ConfigError(f"{where}: invalid configuration at `webhook.evidence`: no evidence store "
                          "(set `evidence.url`)")
    if chosen.key:
        Signer(chosen.key)  # an unreadable or wrong key is a start-up (or reload) error, not a failed append
    return chosen


def admission_bundle(bundle: PolicyBundle) -> PolicyBundle:
    """Only the Kubernetes policies (and the Rego libraries): an admitted object is never Terraform
    or a change record, and evaluating ~4x fewer packages is what keeps admission in milliseconds."""
    policies = tuple(p for p in bundle.policies if p.surface == "kubernetes")
    others = {p.path for p in bundle.policies if p.surface != "kubernetes"}
    modules = tuple((path, source) for path, source in bundle.modules if path not in others)
    return replace(bundle, policies=policies, modules=modules)


def thread_gate(template: Gate) -> Gate:
    """A Gate sharing the template's settings, evaluating the Kubernetes policies: with a regorus
    engine of this thread, or the template's own engine when it is another one (an OPA server)."""
    local = copy.copy(template)
    local.policies = [p for p in template.policies if p.surface == "kubernetes"]
    if template.engine is None:
        # no child process per evaluation: the worker pool's deadline_ms already kills a runaway worker
        local.engine = get_engine("regorus", {"eval_timeout_s": 0})
        local.engine.prepare(admission_bundle(template.bundle))
        _warm(local)
    return local


def _warm(gate: Gate) -> None:
    """Evaluate once on the engine itself, not a clone: regorus prepares its rules on the first
    evaluation and every later clone inherits that, so each admission then takes a few ms
    instead of re-preparing (~4x slower).  A no-op for engines without a regorus core."""
    core = getattr(gate.engine, "_engine", None)
    if core is None or not hasattr(core, "eval_query_as_json"):
        return
    sample = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "warm-up", "namespace": "default"},
              "spec": {"containers": [{"name": "c", "image": "registry.example/app:1@sha256:" + "0" * 64}]}}
    core.set_input_json(json.dumps(build_input([object_resource(sample, "warm-up")], gate.params())))
    core.eval_query_as_json(QUERY)
