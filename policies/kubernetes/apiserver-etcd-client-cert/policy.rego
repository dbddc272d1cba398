# METADATA
# title: The API server authenticates to etcd with a client certificate
# description: >-
#   Without --etcd-certfile and --etcd-keyfile kube-apiserver connects to etcd without a client
#   certificate, so etcd can only serve it by accepting unauthenticated clients. A container
#   that runs kube-apiserver fails unless both flags are set to non-empty values (the default is
#   none).
# custom:
#   id: K8S-056
#   severity: medium
#   resource_types: ["@workload"]
#   controls:
#     CC6.1: etcd can restrict its clients to the API server only when the API server presents a certificate.
#     CC6.7: The client certificate is part of the mutually authenticated TLS channel to the datastore.
#   checkov: []
#   related_checkov:
#     CKV_K8S_99: checkov reads only the container's `command` list (flags in `args` are ignored)
#   kics: [895a5a95-3756-4b04-9924-2f3bc93181bd]
#   remediation: |
#     command:
#       - kube-apiserver
#       - --etcd-servers=https://127.0.0.1:2379
#       - --etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt
#       - --etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key
package soc2gate.policies.kubernetes.apiserver_etcd_client_cert

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs kube-apiserver without --%s: no client certificate for etcd", [p.c.name, flag])) if {
	some p in flags.running("kube-apiserver")
	some flag in ["etcd-certfile", "etcd-keyfile"]
	not flags.non_empty(p.c, flag)
}

# Judged: the workloads running kube-apiserver; any other workload gets no result
# (a pass there would claim a control-plane setting was checked).
applicable contains p.r.id if {
	some p in flags.running("kube-apiserver")
}
