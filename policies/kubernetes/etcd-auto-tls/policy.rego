# METADATA
# title: etcd does not use self-signed auto-generated certificates
# description: >-
#   With --auto-tls=true (clients) or --peer-auto-tls=true (members) etcd generates self-signed
#   certificates that no client or peer can verify, so the connection is encrypted but not
#   authenticated. A container that runs etcd fails when either is true (both default to false;
#   the ETCD_AUTO_TLS / ETCD_PEER_AUTO_TLS environment variables count too).
# custom:
#   id: K8S-051
#   severity: medium
#   resource_types: ["@workload"]
#   controls:
#     CC6.7: Encryption in transit must authenticate the endpoint; self-signed certificates allow interception.
#     CC6.1: Certificates from the cluster's CA are the basis of etcd's client and peer authentication.
#   checkov: []
#   related_checkov:
#     CKV_K8S_118: checkov reads only the container's `command` list (flags in `args` are ignored) and judges --auto-tls only
#   kics: [98ce8b81-7707-4734-aa39-627c6db3d84b, ae8827e2-4af9-4baa-9998-87539ae0d6f0]
#   remediation: |
#     command:
#       - etcd
#       - --auto-tls=false
#       - --peer-auto-tls=false
#       - --cert-file=/etc/kubernetes/pki/etcd/server.crt
#       - --peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt
package soc2gate.policies.kubernetes.etcd_auto_tls

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs etcd with --%s=true: self-signed certificates", [p.c.name, flag])) if {
	some p in flags.running("etcd")
	some flag in ["auto-tls", "peer-auto-tls"]
	flags.etcd_bool(p.c, flag) == true
}

# Judged: the workloads running etcd; any other workload gets no result
# (a pass there would claim a control-plane setting was checked).
applicable contains p.r.id if {
	some p in flags.running("etcd")
}
