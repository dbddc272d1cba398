# METADATA
# title: etcd members talk to each other over TLS
# description: >-
#   Without --peer-cert-file and --peer-key-file etcd replicates the cluster's data between
#   members over plain HTTP. A container that runs etcd fails unless both are set to non-empty
#   values (the default is no TLS). etcd also reads each setting from an ETCD_<FLAG> environment
#   variable (honoured here); a container that sets --config-file (or ETCD_CONFIG_FILE) is not
#   judged, since the file is not visible.
# custom:
#   id: K8S-049
#   severity: high
#   resource_types: ["@workload"]
#   controls:
#     CC6.7: Replication traffic carries every object of the cluster, Secrets included, and must be encrypted in transit.
#   checkov: []
#   related_checkov:
#     CKV_K8S_119: checkov reads only the container's `command` list (flags in `args` are ignored)
#   kics: [09bb9e96-8da3-4736-b89a-b36814acca60]
#   remediation: |
#     command:
#       - etcd
#       - --peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt
#       - --peer-key-file=/etc/kubernetes/pki/etcd/peer.key
#       - --listen-peer-urls=https://10.0.0.10:2380
package soc2gate.policies.kubernetes.etcd_peer_tls

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs etcd without --%s: peer traffic is not encrypted", [p.c.name, flag])) if {
	some p in flags.running("etcd")
	not flags.etcd_config_file(p.c)
	some flag in ["peer-cert-file", "peer-key-file"]
	not flags.etcd_set(p.c, flag)
}

# The settings are in the file --config-file names, which the manifest does not show.
inconclusive contains item if some item in flags.etcd_settings_in_file

# Judged: the workloads running etcd; any other workload gets no result
# (a pass there would claim a control-plane setting was checked).
applicable contains p.r.id if {
	some p in flags.running("etcd")
}
