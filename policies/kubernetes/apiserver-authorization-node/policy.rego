# METADATA
# title: The API server restricts kubelets with the Node authorizer
# description: >-
#   The Node authorizer limits each kubelet to the Secrets, ConfigMaps and volumes of the pods
#   bound to its own node; without it a compromised node can read objects of the whole cluster
#   through its kubelet credentials. A container that runs kube-apiserver fails when
#   --authorization-mode does not list Node, including when the flag is absent (its default is
#   AlwaysAllow). A container that sets --authorization-config (structured authorization) is not
#   judged.
# custom:
#   id: K8S-044
#   severity: medium
#   resource_types: ["@workload"]
#   controls:
#     CC6.1: A node's credentials must reach only the objects that node needs.
#     CC6.3: Least privilege for the kubelets, which hold cluster credentials on every node.
#   checkov: []
#   related_checkov:
#     CKV_K8S_75: checkov reads only the container's `command` list (flags in `args` are ignored) and passes an absent flag, whose default is AlwaysAllow
#   kics: [4d7ee40f-fc5d-427d-8cac-dffbe22d42d1]
#   remediation: |
#     command:
#       - kube-apiserver
#       - --authorization-mode=Node,RBAC
package soc2gate.policies.kubernetes.apiserver_authorization_node

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs kube-apiserver with authorization modes %v, without Node", [p.c.name, modes(p.c)])) if {
	some p in flags.running("kube-apiserver")
	not flags.non_empty(p.c, "authorization-config")
	not "node" in {lower(m) | some m in modes(p.c)}
}

# The modes in force: the flag's, else its default (AlwaysAllow).
modes(c) := flags.list_items(c, "authorization-mode") if {
	count(flags.list_items(c, "authorization-mode")) > 0
} else := ["AlwaysAllow"]

# Judged: the workloads running kube-apiserver; any other workload gets no result
# (a pass there would claim a control-plane setting was checked).
applicable contains p.r.id if {
	some p in flags.running("kube-apiserver")
}
