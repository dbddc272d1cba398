# METADATA
# title: The API server authenticates to kubelets with a client certificate
# description: >-
#   Without --kubelet-client-certificate and --kubelet-client-key kube-apiserver calls kubelets
#   (exec, logs, port-forward) without credentials, which works only when kubelets accept
#   anonymous requests. A container that runs kube-apiserver fails unless both are set to non-
#   empty values.
# custom:
#   id: K8S-058
#   severity: medium
#   resource_types: ["@workload"]
#   controls:
#     CC6.1: Kubelets can require authentication only when the API server authenticates to them.
#     CC6.7: The client certificate is part of the mutually authenticated channel to the kubelets.
#   checkov: []
#   related_checkov:
#     CKV_K8S_72: checkov reads only the container's `command` list (flags in `args` are ignored)
#   kics: [36a27826-1bf5-49da-aeb0-a60a30c0e834]
#   remediation: |
#     command:
#       - kube-apiserver
#       - --kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt
#       - --kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key
package soc2gate.policies.kubernetes.apiserver_kubelet_client_cert

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs kube-apiserver without --%s: kubelets are called without a client certificate", [p.c.name, flag])) if {
	some p in flags.running("kube-apiserver")
	some flag in ["kubelet-client-certificate", "kubelet-client-key"]
	not flags.non_empty(p.c, flag)
}

# Judged: the workloads running kube-apiserver; any other workload gets no result
# (a pass there would claim a control-plane setting was checked).
applicable contains p.r.id if {
	some p in flags.running("kube-apiserver")
}
