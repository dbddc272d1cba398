# METADATA
# title: The API server enables the NodeRestriction admission plugin
# description: >-
#   NodeRestriction limits what a kubelet may change to its own Node object and the pods bound
#   to it; without it a compromised node can relabel other nodes (attracting sensitive
#   workloads) or alter other nodes' pods. A container that runs kube-apiserver fails when
#   neither --enable-admission-plugins nor the deprecated --admission-control lists
#   NodeRestriction (it is not in the default set).
# custom:
#   id: K8S-062
#   severity: medium
#   resource_types: ["@workload"]
#   controls:
#     CC6.1: A node's credentials must change only that node's objects.
#     CC6.3: Least privilege for the kubelets, complementing the Node authorizer (K8S-044).
#   checkov: []
#   related_checkov:
#     CKV_K8S_85: checkov reads only the container's `command` list (flags in `args` are ignored) and passes an absent --enable-admission-plugins, whose default set lacks NodeRestriction
#   kics: [33fc6923-6553-4fe6-9d3a-4efa51eb874b]
#   remediation: |
#     command:
#       - kube-apiserver
#       - --authorization-mode=Node,RBAC
#       - --enable-admission-plugins=NodeRestriction
package soc2gate.policies.kubernetes.apiserver_node_restriction

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs kube-apiserver without the NodeRestriction admission plugin", [p.c.name])) if {
	some p in flags.running("kube-apiserver")
	enabled := {lower(name) | some flag in ["enable-admission-plugins", "admission-control"]; some name in flags.list_items(p.c, flag)}
	not "noderestriction" in enabled
}

# Judged: the workloads running kube-apiserver; any other workload gets no result
# (a pass there would claim a control-plane setting was checked).
applicable contains p.r.id if {
	some p in flags.running("kube-apiserver")
}
