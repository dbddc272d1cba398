"""The admission webhook's gate, built here so the webhook never assembles or alters a Gate itself.

``admission_template`` loads and validates everything once (configuration, policies, engine):
the result travels to the evaluation worker processes, so a regorus engine, bound to the
thread that compiled it, is not kept in it.  ``admission_gate`` turns the template into the
gate one worker process evaluates with: the Kubernetes policies only (an admitted object is
never Terraform or a change record; ~4x fewer packages keeps admission in milliseconds), an
engine compiled in that process over them and warmed.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from soc2gate.api.gate import Gate, ScanOptions
from soc2gate.engine import get_engine
from soc2gate.engine.input_doc import build_input, expand_types
from soc2gate.model import Policy, Resource
from soc2gate.parsers import json_strict
from soc2gate.parsers.kubernetes import object_resource

SURFACE = "kubernetes"
_WARM_UP = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "warm-up", "namespace": "default"},
            "spec": {"containers": [{"name": "c", "image": "registry.example/app:1@sha256:" + "0" * 64}]}}


def admission_template(options: ScanOptions) -> Gate:
    """Every selected policy, validated (a bad one raises Soc2gateError); picklable."""
    gate = Gate.load(options)
    assert gate.engine is not None
    return replace(gate, engine=None) if gate.engine.name == "regorus" else gate


def admission_gate(template: Gate) -> Gate:
    """This process's admission gate: the template's settings over the Kubernetes policies, with a
    regorus engine compiled and warmed here, or the template's own engine (an OPA server)."""
    policies = tuple(p for p in template.policies if p.surface == SURFACE)
    if template.engine is not None:
        return replace(template, policies=policies)
    engine = get_engine("regorus", {"eval_timeout_s": 0})  # the worker pool's deadline kills a runaway worker
    engine.prepare(template.bundle.of_surface(SURFACE))
    gate = replace(template, policies=policies, engine=engine)
    engine.warm(build_input([object_resource(_WARM_UP, "warm-up")], gate.params()))
    return gate


def strict_json(text: str) -> Any:
    """``json.loads`` that also refuses NaN, Infinity, overflowing numbers and 4,300+ digit integers
    (JSONDecodeError with line and column), as Kubernetes' own decoder does."""
    return json_strict.loads(text)


def judged_kinds(policy: Policy) -> frozenset[str]:
    """The Kubernetes kinds (or resource types) ``policy`` judges, ``@workload`` expanded."""
    return expand_types(policy.resource_types)


def kubernetes_resource(document: dict[str, Any], origin: str) -> Resource:
    """A Resource for an object that came from an API (an admission request, a cluster audit)."""
    return object_resource(document, origin)
