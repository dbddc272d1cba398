"""The resource types ``soc2gate audit`` lists, and how the kubernetes client lists each."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ResourceType:
    """One listable type: ``api`` is a kubernetes.client class, ``method`` its list method stem."""

    kind: str
    group_version: str  # "v1" for the core group
    plural: str
    api: str
    method: str
    namespaced: bool = True

    def path(self, namespace: str | None = None) -> str:
        """The API path, as in the apiserver's audit log and RBAC error messages."""
        base = "/api/v1" if self.group_version == "v1" else f"/apis/{self.group_version}"
        if namespace and self.namespaced:
            return f"{base}/namespaces/{namespace}/{self.plural}"
        return f"{base}/{self.plural}"

    def resource_name(self) -> str:
        """``plural.group`` as RBAC names it (``deployments.apps``, ``pods``)."""
        group = self.group_version.rpartition("/")[0]
        return f"{self.plural}.{group}" if group else self.plural


RESOURCE_TYPES: tuple[ResourceType, ...] = (
    ResourceType("Namespace", "v1", "namespaces", "CoreV1Api", "namespace", namespaced=False),
    ResourceType("Pod", "v1", "pods", "CoreV1Api", "pod"),
    ResourceType("ReplicationController", "v1", "replicationcontrollers", "CoreV1Api", "replication_controller"),
    ResourceType("Service", "v1", "services", "CoreV1Api", "service"),
    ResourceType("ServiceAccount", "v1", "serviceaccounts", "CoreV1Api", "service_account"),
    ResourceType("Deployment", "apps/v1", "deployments", "AppsV1Api", "deployment"),
    ResourceType("StatefulSet", "apps/v1", "statefulsets", "AppsV1Api", "stateful_set"),
    ResourceType("DaemonSet", "apps/v1", "daemonsets", "AppsV1Api", "daemon_set"),
    ResourceType("ReplicaSet", "apps/v1", "replicasets", "AppsV1Api", "replica_set"),
    ResourceType("Job", "batch/v1", "jobs", "BatchV1Api", "job"),
    ResourceType("CronJob", "batch/v1", "cronjobs", "BatchV1Api", "cron_job"),
    ResourceType("NetworkPolicy", "networking.k8s.io/v1", "networkpolicies", "NetworkingV1Api", "network_policy"),
    ResourceType("Ingress", "networking.k8s.io/v1", "ingresses", "NetworkingV1Api", "ingress"),
    ResourceType("Role", "rbac.authorization.k8s.io/v1", "roles", "RbacAuthorizationV1Api", "role"),
    ResourceType("RoleBinding", "rbac.authorization.k8s.io/v1", "rolebindings", "RbacAuthorizationV1Api",
                 "role_binding"),
    ResourceType("ClusterRole", "rbac.authorization.k8s.io/v1", "clusterroles", "RbacAuthorizationV1Api",
                 "cluster_role", namespaced=False),
    ResourceType("ClusterRoleBinding", "rbac.authorization.k8s.io/v1", "clusterrolebindings",
                 "RbacAuthorizationV1Api", "cluster_role_binding", namespaced=False),
)
