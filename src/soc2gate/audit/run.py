"""``soc2gate audit``: evaluate what runs in a cluster with the same policies as the gate.

Every type in ``RESOURCE_TYPES`` is listed; a type that cannot be listed (403, API not
served) is a failing SYS-002 finding naming the type and the API's reason, so a missing
permission never reads as a pass.  Objects managed by a listed controller (a Pod of a
ReplicaSet, a ReplicaSet of a Deployment, a Job of a CronJob) are evaluated through their
controller's pod template and reported as skipped, once per type.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fnmatch import fnmatchcase
from typing import Any

from soc2gate import api
from soc2gate.audit.cluster import Cluster, ClusterTarget, Listing, connect
from soc2gate.audit.kinds import RESOURCE_TYPES, ResourceType
from soc2gate.model import InputFile, Resource, Result, Skipped


@dataclass(frozen=True)
class AuditOptions:
    target: ClusterTarget = ClusterTarget()
    scan: api.ScanOptions = field(default_factory=lambda: api.ScanOptions())
    exclude_namespaces: tuple[str, ...] = ()


def audit(options: AuditOptions, gate: api.Gate | None = None) -> Result:
    gate = gate or api.Gate.load(options.scan)
    cluster = connect(options.target)
    collected = api.Collected()
    listings = _list_all(cluster, collected)
    resources = resources_of(cluster, listings, options.exclude_namespaces, collected)
    result = gate.evaluate(resources, collected)
    target = {"context": cluster.name, "server": cluster.server, "namespace": options.target.namespace or "*"}
    return replace(result, extras={**result.extras, "cluster": target})


def _list_all(cluster: Cluster, collected: api.Collected) -> list[Listing]:
    namespace = cluster.target.namespace
    listings = []
    for rtype in RESOURCE_TYPES:
        uri = cluster.uri(rtype.path(namespace))
        if namespace and not rtype.namespaced:
            collected.skipped.append(
                Skipped(uri, f"cluster-scoped {rtype.kind} objects are not listed with --namespace"))
            continue
        listing = cluster.list_type(rtype)
        if listing.error:
            collected.error("SYS-002", uri, 0, listing.error)
            continue
        collected.inputs.append(InputFile(uri, listing.sha256, "kubernetes", len(listing.items)))
        listings.append(listing)
    return listings


def resources_of(cluster: Cluster, listings: list[Listing], excluded: tuple[str, ...],
                 collected: api.Collected) -> list[Resource]:
    return [resource_of(cluster, rtype, obj) for rtype, obj in judged_objects(cluster, listings, excluded, collected)]


def judged_objects(cluster: Cluster, listings: list[Listing], excluded: tuple[str, ...],
                   collected: api.Collected) -> list[tuple[ResourceType, dict[str, Any]]]:
    """The objects judged on their own: not in an excluded namespace, not managed by a listed controller
    (those are noted as skipped in ``collected``, once per type)."""
    present = {(listing.rtype.kind, _namespace(o), _name(o)) for listing in listings for o in listing.items}
    judged: list[tuple[ResourceType, dict[str, Any]]] = []
    for listing in listings:
        owned: dict[str, int] = {}
        dropped: dict[str, int] = {}
        for obj in listing.items:
            namespace = _namespace(obj)
            if namespace and any(fnmatchcase(namespace, p) for p in excluded):
                dropped[namespace] = dropped.get(namespace, 0) + 1
                continue
            owner = _controller(obj, present)
            if owner:
                owned[owner] = owned.get(owner, 0) + 1
                continue
            judged.append((listing.rtype, obj))
        _note_skipped(cluster, listing.rtype, owned, dropped, collected)
    return judged


def resource_of(cluster: Cluster, rtype: ResourceType, obj: dict[str, Any]) -> Resource:
    return api.kubernetes_resource(obj, cluster.uri(_object_path(rtype, obj)))


def _note_skipped(cluster: Cluster, rtype: ResourceType, owned: dict[str, int], dropped: dict[str, int],
                  collected: api.Collected) -> None:
    path = cluster.uri(rtype.path(cluster.target.namespace))
    if owned:
        owners = ", ".join(sorted(owned))
        collected.skipped.append(Skipped(path, f"{sum(owned.values())} {rtype.kind} object(s) managed by a listed "
                                               f"{owners}: evaluated through the controller's pod template"))
    for namespace, count in sorted(dropped.items()):
        collected.skipped.append(Skipped(cluster.uri(rtype.path(namespace)),
                                         f"{count} {rtype.kind} object(s) in excluded namespace (--exclude-namespace)"))


def _controller(obj: dict[str, Any], present: set[tuple[str, str, str]]) -> str:
    """The kind of the listed controller that manages ``obj``, or ""."""
    references = (obj.get("metadata") or {}).get("ownerReferences") or []
    for ref in references:
        if (isinstance(ref, dict) and ref.get("controller") is True
                and (str(ref.get("kind")), _namespace(obj), str(ref.get("name"))) in present):
            return str(ref.get("kind"))
    return ""


def _namespace(obj: dict[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("namespace") or "")


def _name(obj: dict[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("name") or "")


def _object_path(rtype: ResourceType, obj: dict[str, Any]) -> str:
    return f"{rtype.path(_namespace(obj) or None)}/{_name(obj)}"
