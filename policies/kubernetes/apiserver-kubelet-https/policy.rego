# METADATA
# title: The API server connects to kubelets over HTTPS
# description: >-
#   With --kubelet-https=false kube-apiserver talks to kubelets (logs, exec, port-forward) over
#   plain HTTP. A container that runs kube-apiserver fails when it sets the flag to false; the
#   default is true, and the flag was removed in Kubernetes 1.22 (HTTPS always).
# custom:
#   id: K8S-052
#   severity: medium
#   resource_types: ["@workload"]
#   controls:
#     CC6.7: Exec sessions, logs and port-forwarded traffic between the API server and kubelets must be encrypted in transit.
#   checkov: []
#   related_checkov:
#     CKV_K8S_71: checkov reads only the container's `command` list (flags in `args` are ignored)
#   kics: [cdc8b54e-6b16-4538-a1b0-35849dbe29cf]
#   remediation: |
#     command:
#       - kube-apiserver
#       # remove --kubelet-https=false (or set --kubelet-https=true before Kubernetes 1.22)
#       - --kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt
#       - --kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key
package soc2gate.policies.kubernetes.apiserver_kubelet_https

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs kube-apiserver with --kubelet-https=false", [p.c.name])) if {
	some p in flags.running("kube-apiserver")
	flags.bool_value(p.c, "kubelet-https") == false
}

# Judged: the workloads running kube-apiserver; any other workload gets no result
# (a pass there would claim a control-plane setting was checked).
applicable contains p.r.id if {
	some p in flags.running("kube-apiserver")
}
