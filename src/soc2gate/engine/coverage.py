"""Resource types no policy covers, so that "0 findings" is never mistaken for "compliant".

A Terraform managed resource or a Kubernetes object counts as covered when some loaded policy
declares its type (``@workload`` covers every object with a pod), when its type is linked into
another resource (an S3 bucket's separate encryption configuration is judged with the bucket), or
when a policy's Rego names the type as a string (a NetworkPolicy read to judge a Deployment).
Data sources, module calls, providers and change records are not judged by type and not counted.
"""

from __future__ import annotations

from typing import Any, Sequence

from soc2gate.engine.input_doc import expand_types
from soc2gate.model import Policy, Resource

NOT_JUDGED_KINDS = frozenset({"data", "module", "provider", "variable", "output", "locals"})


def uncovered_types(policies: Sequence[Policy], resources: Sequence[Resource],
                    sources: Sequence[str] = ()) -> list[dict[str, Any]]:
    """``[{type, surface, count, files}]`` of resources no policy covers, most frequent first."""
    text = "\n".join(sources)
    declared = set(expand_types([t for p in policies for t in p.resource_types]))
    declared |= {t for t in {r.type for r in resources} if f'"{t}"' in text}  # each type searched once
    workloads = any("@workload" in p.resource_types for p in policies)
    linked = {name for r in resources for name in r.links}
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for resource in resources:
        if resource.surface not in ("terraform", "kubernetes") or resource.meta.get("kind") in NOT_JUDGED_KINDS:
            continue
        if resource.type in declared or resource.type in linked:
            continue
        if workloads and resource.meta.get("pod") is not None:
            continue
        entry = found.setdefault((resource.surface, resource.type),
                                 {"type": resource.type, "surface": resource.surface, "count": 0, "files": []})
        entry["count"] += 1
        if resource.span.file not in entry["files"]:
            entry["files"].append(resource.span.file)
    return sorted(found.values(), key=lambda e: (-e["count"], e["surface"], e["type"]))


def run_context(config_path: str, bundle: Any, resources: Sequence[Resource]) -> dict[str, Any]:
    """What every report states about a run: the configuration file used (or ``defaults``) and the
    resource types no policy of ``bundle`` covers."""
    sources = [text for _, text in bundle.modules]
    return {"config_file": config_path or "defaults", "uncovered": uncovered_types(bundle.policies, resources, sources)}
