# METADATA
# title: The API server serves HTTPS
# description: >-
#   --secure-port=0 turns off the API server's HTTPS listener (older releases then serve only
#   the insecure port; Kubernetes 1.12 and later refuse the value). A container that runs kube-
#   apiserver fails when --secure-port is 0; the default is 6443.
# custom:
#   id: K8S-059
#   severity: high
#   resource_types: ["@workload"]
#   controls:
#     CC6.7: API traffic, including credentials and Secrets, must be encrypted in transit.
#     CC6.1: Authentication of API clients relies on the TLS listener (client certificates, bearer tokens over TLS).
#   checkov: []
#   related_checkov:
#     CKV_K8S_89: checkov reads only the container's `command` list (flags in `args` are ignored)
#   kics: [3d24b204-b73d-42cb-b0bf-1a5438c5f71e]
#   remediation: |
#     command:
#       - kube-apiserver
#       - --secure-port=6443   # or leave the flag out
package soc2gate.policies.kubernetes.apiserver_secure_port

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs kube-apiserver with --secure-port=0: HTTPS is off", [p.c.name])) if {
	some p in flags.running("kube-apiserver")
	flags.integer(p.c, "secure-port") == 0
}

# Judged: the workloads running kube-apiserver; any other workload gets no result
# (a pass there would claim a control-plane setting was checked).
applicable contains p.r.id if {
	some p in flags.running("kube-apiserver")
}
