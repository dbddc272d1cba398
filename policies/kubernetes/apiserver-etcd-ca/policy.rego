# METADATA
# title: The API server verifies etcd's certificate
# description: >-
#   Without --etcd-cafile kube-apiserver cannot verify the certificate etcd presents against the
#   cluster's etcd CA, so whoever answers on the etcd address receives every write of the
#   cluster. A container that runs kube-apiserver fails when --etcd-cafile is not set to a non-
#   empty value.
# custom:
#   id: K8S-057
#   severity: medium
#   resource_types: ["@workload"]
#   controls:
#     CC6.7: Data sent to the datastore must go to the authenticated etcd only.
#     CC6.1: Verifying etcd's identity keeps the cluster state from being served or altered by an impostor.
#   checkov: []
#   related_checkov:
#     CKV_K8S_102: checkov reads only the container's `command` list (flags in `args` are ignored)
#   kics: [3f5ff8a7-5ad6-4d02-86f5-666307da1b20]
#   remediation: |
#     command:
#       - kube-apiserver
#       - --etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt
package soc2gate.policies.kubernetes.apiserver_etcd_ca

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs kube-apiserver without --etcd-cafile: etcd's certificate is not verified", [p.c.name])) if {
	some p in flags.running("kube-apiserver")
	not flags.non_empty(p.c, "etcd-cafile")
}

# Judged: the workloads running kube-apiserver; any other workload gets no result
# (a pass there would claim a control-plane setting was checked).
applicable contains p.r.id if {
	some p in flags.running("kube-apiserver")
}
