# METADATA
# title: The API server and kubelets do not authorize every request
# description: >-
#   The AlwaysAllow authorizer permits every request, whatever RBAC says; in a chain of modes it
#   permits everything the modes before it do not decide. A container that runs kube-apiserver
#   or kubelet fails when its --authorization-mode lists AlwaysAllow, and a KubeletConfiguration
#   fails when authorization.mode is AlwaysAllow. An absent flag (whose kube-apiserver default
#   is AlwaysAllow) is reported by K8S-043.
# custom:
#   id: K8S-042
#   severity: high
#   resource_types: ["@workload", KubeletConfiguration]
#   controls:
#     CC6.1: Authorization is the enforcement point of the cluster's access rules; AlwaysAllow disables it.
#     CC6.3: Least privilege cannot be enforced when every authenticated request is allowed.
#   checkov: []
#   related_checkov:
#     CKV_K8S_74: checkov reads only the container's `command` list (flags in `args` are ignored)
#     CKV_K8S_139: checkov judges kubelet command lines only, not KubeletConfiguration documents
#   kics: [f1f4d8da-1ac4-47d0-b1aa-91e69d33f7d5]
#   remediation: |
#     command:
#       - kube-apiserver
#       - --authorization-mode=Node,RBAC
#     # kubelet: --authorization-mode=Webhook, or in its KubeletConfiguration
#     authorization:
#       mode: Webhook
package soc2gate.policies.kubernetes.authorization_not_always_allow

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs %s with --authorization-mode AlwaysAllow", [p.c.name, program])) if {
	some program in ["kube-apiserver", "kubelet"]
	some p in flags.running(program)
	"alwaysallow" in {lower(mode) | some mode in flags.list_items(p.c, "authorization-mode")}
}

deny contains k8s.fail(r, "authorization.mode", "the kubelet configuration authorizes every request (authorization.mode AlwaysAllow)") if {
	some r in k8s.resources("KubeletConfiguration")
	mode := object.get(r.attributes, ["authorization", "mode"], "")
	is_string(mode)
	lower(mode) == "alwaysallow"
}

# Judged: the workloads running kube-apiserver, kubelet and KubeletConfiguration objects; any other workload gets no result
# (a pass there would claim a control-plane setting was checked).
applicable contains p.r.id if {
	some p in flags.running("kube-apiserver")
}

applicable contains p.r.id if {
	some p in flags.running("kubelet")
}

applicable contains r.id if {
	some r in k8s.resources("KubeletConfiguration")
}
