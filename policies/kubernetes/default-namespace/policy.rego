# METADATA
# title: Workloads are not deployed to the default or kube-public namespace
# description: >-
#   The default namespace is shared by everything nobody placed deliberately, so RBAC,
#   NetworkPolicies, quotas and Pod Security admission cannot be scoped to one application
#   there. Every workload (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
#   ReplicationController, Job, CronJob) must set metadata.namespace to a namespace other
#   than default or kube-public (which every user, even an anonymous one, may read). A
#   manifest without metadata.namespace fails too: it lands in whatever namespace the
#   deploying kubectl context points at, usually default. kube-system is not judged here.
# custom:
#   id: K8S-020
#   severity: low
#   resource_types: ["@workload"]
#   controls:
#     CC6.1: Namespaces are the unit of access segregation (RBAC, NetworkPolicy, Pod Security) between applications.
#   checkov: [CKV_K8S_21]
#   kics: [611ab018-c4aa-4ba2-b0f6-a448337509a6]
#   remediation: |
#     apiVersion: v1
#     kind: Namespace
#     metadata:
#       name: shop
#     ---
#     apiVersion: apps/v1
#     kind: Deployment
#     metadata:
#       name: web
#       namespace: shop
package soc2gate.policies.kubernetes.default_namespace

import data.soc2gate.lib.kubernetes as k8s
import rego.v1

deny contains k8s.fail(r, "metadata.namespace", sprintf("the workload is in the %s namespace", [r.namespace])) if {
	some kind in k8s.workload_kinds
	some r in k8s.resources(kind) # also a workload whose pod spec is missing
	r.namespace in {"default", "kube-public"}
}

deny contains k8s.fail(r, "metadata", "the workload sets no metadata.namespace, so it is deployed to the default namespace unless the deploying context says otherwise") if {
	some kind in k8s.workload_kinds
	some r in k8s.resources(kind) # also a workload whose pod spec is missing
	r.namespace == ""
}
