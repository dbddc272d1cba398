# METADATA
# title: etcd serves clients over TLS
# description: >-
#   etcd holds every object of the cluster, Secrets included. Without --cert-file and --key-file
#   it serves its client API over plain HTTP, so API server traffic to etcd can be read and
#   altered on the network. A container that runs etcd fails unless both --cert-file and --key-
#   file are set to non-empty values (the default is no TLS). etcd also reads each setting from
#   an ETCD_<FLAG> environment variable (honoured here); a container that sets --config-file (or
#   ETCD_CONFIG_FILE) is not judged, since the file is not visible.
# custom:
#   id: K8S-047
#   severity: high
#   resource_types: ["@workload"]
#   controls:
#     CC6.7: Cluster state, including Secrets, travels between the API server and etcd and must be encrypted in transit.
#     CC6.1: TLS is the basis of etcd's client authentication (K8S-048).
#   checkov: []
#   related_checkov:
#     CKV_K8S_116: checkov reads only the container's `command` list (flags in `args` are ignored)
#   kics: [075ca296-6768-4322-aea2-ba5063b969a9]
#   remediation: |
#     command:
#       - etcd
#       - --cert-file=/etc/kubernetes/pki/etcd/server.crt
#       - --key-file=/etc/kubernetes/pki/etcd/server.key
#       - --listen-client-urls=https://127.0.0.1:2379
package soc2gate.policies.kubernetes.etcd_client_tls

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs etcd without --%s: the client API is not served over TLS", [p.c.name, flag])) if {
	some p in flags.running("etcd")
	not flags.etcd_config_file(p.c)
	some flag in ["cert-file", "key-file"]
	not flags.etcd_set(p.c, flag)
}

# The settings are in the file --config-file names, which the manifest does not show.
inconclusive contains item if some item in flags.etcd_settings_in_file

# Judged: the workloads running etcd; any other workload gets no result
# (a pass there would claim a control-plane setting was checked).
applicable contains p.r.id if {
	some p in flags.running("etcd")
}
