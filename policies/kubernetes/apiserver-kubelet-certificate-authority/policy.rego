# METADATA
# title: The API server verifies kubelet serving certificates
# description: >-
#   Without --kubelet-certificate-authority kube-apiserver does not verify the certificate a
#   kubelet presents, so exec sessions, logs and port-forwards can be intercepted by whoever
#   answers on the node's address. A container that runs kube-apiserver fails when the flag is
#   not set to a non-empty value (the default is no verification).
# custom:
#   id: K8S-053
#   severity: medium
#   resource_types: ["@workload"]
#   controls:
#     CC6.7: Encrypted connections to kubelets must authenticate the kubelet, or they can be intercepted.
#     CC6.1: Commands sent through exec reach only the genuine node when its identity is verified.
#   checkov: []
#   related_checkov:
#     CKV_K8S_73: checkov reads only the container's `command` list (flags in `args` are ignored)
#   kics: [ec18a0d3-0069-4a58-a7fb-fbfe0b4bbbe0]
#   remediation: |
#     command:
#       - kube-apiserver
#       - --kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt
#     # and have kubelets serve certificates signed by that CA (serverTLSBootstrap: true)
package soc2gate.policies.kubernetes.apiserver_kubelet_certificate_authority

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs kube-apiserver without --kubelet-certificate-authority: kubelet certificates are not verified", [p.c.name])) if {
	some p in flags.running("kube-apiserver")
	not flags.non_empty(p.c, "kubelet-certificate-authority")
}

# Judged: the workloads running kube-apiserver; any other workload gets no result
# (a pass there would claim a control-plane setting was checked).
applicable contains p.r.id if {
	some p in flags.running("kube-apiserver")
}
