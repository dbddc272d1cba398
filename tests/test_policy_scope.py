"""A policy may name the resources it applies to (an ``applicable`` set of resource ids, docs/writing-policies.md):
the control-plane flag policies judge only the workloads that run kube-apiserver, etcd, the kubelet, ... —
an nginx Deployment gets no result from them (a pass would claim its audit log was checked), while every
other policy judges it as before. The embedded engine and the OPA engine agree."""

from __future__ import annotations

import shutil
from pathlib import Path

from opa_standin import StandInOpa
from policy_fixtures import all_policies
from soc2gate.api import ScanOptions, scan
from soc2gate.model import Outcome

ROOT = Path(__file__).resolve().parent.parent
NGINX = Path(__file__).parent / "data" / "not-an-apiserver.yaml"
APISERVER = ROOT / "policies/kubernetes/apiserver-audit-log/fixtures/fail/no-audit-flags.yaml"


def _scan(*paths: Path, **options) -> object:
    return scan(ScanOptions(paths=tuple(str(p) for p in paths), use_cache=False, **options))


def test_scoped_policies_give_other_workloads_no_result(tmp_path: Path) -> None:
    scoped = {p.id for p in all_policies() if p.scoped}
    assert {"K8S-037", "K8S-041", "K8S-047", "K8S-054"} <= scoped
    assert "K8S-001" not in scoped
    result = _scan(NGINX, APISERVER)
    by_resource: dict[str, dict[str, str]] = {}
    for finding in result.findings:
        by_resource.setdefault(finding.resource, {})[finding.policy_id] = finding.outcome.value
    web = next(v for k, v in by_resource.items() if k.startswith("Deployment/"))
    apiserver = next(v for k, v in by_resource.items() if "kube-apiserver" in k)
    assert not scoped & set(web), sorted(scoped & set(web))
    assert "K8S-001" in web, "unscoped policies judge the Deployment as before"
    assert apiserver["K8S-037"] == Outcome.FAIL.value
    assert {"K8S-041", "K8S-047"} & set(apiserver) == {"K8S-041"}, "etcd policies do not judge the API server"


def test_the_opa_engine_reads_the_applicable_sets_alike(tmp_path: Path) -> None:
    for path in (NGINX, APISERVER):
        shutil.copy(path, tmp_path / path.name)
    local = _scan(tmp_path)
    with StandInOpa() as opa:
        remote = _scan(tmp_path, opa_url=opa.url)
    view = lambda r: sorted((f.policy_id, f.outcome.value, f.resource) for f in r.findings)  # noqa: E731
    assert view(remote) == view(local)
    assert any(f.policy_id == "K8S-037" for f in remote.findings)


def test_the_elasticache_backup_policy_judges_only_caches_that_keep_their_own_backups() -> None:
    """TF-183: Memcached (no backups) and replication-group members (the group's retention applies) get no result."""
    fixture = ROOT / "policies/terraform/aws-elasticache-redis-backup/fixtures/pass/backups.tf"
    outcomes = {f.resource: f.outcome.value for f in _scan(fixture).findings if f.policy_id == "TF-183"}
    assert outcomes == {"aws_elasticache_cluster.cache": "pass", "aws_elasticache_replication_group.sessions": "pass"}
