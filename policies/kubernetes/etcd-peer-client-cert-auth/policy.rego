# METADATA
# title: etcd members authenticate each other with certificates
# description: >-
#   Without --peer-client-cert-auth=true (default false) any host that reaches etcd's peer port
#   can join the cluster as a member or read its replication stream. A container that runs etcd
#   fails unless peer client certificate authentication is on. etcd also reads each setting from
#   an ETCD_<FLAG> environment variable (honoured here); a container that sets --config-file (or
#   ETCD_CONFIG_FILE) is not judged, since the file is not visible.
# custom:
#   id: K8S-050
#   severity: medium
#   resource_types: ["@workload"]
#   controls:
#     CC6.1: Only authenticated members may take part in replicating the cluster datastore.
#     CC6.6: The peer port is reachable on the network; unauthenticated peers cross the boundary.
#   checkov: []
#   related_checkov:
#     CKV_K8S_121: checkov judges only Pods named etcd, reads only the containers' `args` and requires the exact item --peer-client-cert-auth=true
#   kics: [b7d0181d-0a9b-4611-9d1c-1ad4f0b620ff]
#   remediation: |
#     command:
#       - etcd
#       - --peer-client-cert-auth=true
#       - --peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
package soc2gate.policies.kubernetes.etcd_peer_client_cert_auth

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs etcd without --peer-client-cert-auth=true", [p.c.name])) if {
	some p in flags.running("etcd")
	not flags.etcd_config_file(p.c)
	not flags.etcd_bool(p.c, "peer-client-cert-auth") == true
}

# The settings are in the file --config-file names, which the manifest does not show.
inconclusive contains item if some item in flags.etcd_settings_in_file

# Judged: the workloads running etcd; any other workload gets no result
# (a pass there would claim a control-plane setting was checked).
applicable contains p.r.id if {
	some p in flags.running("etcd")
}
