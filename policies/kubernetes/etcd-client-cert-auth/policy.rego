# METADATA
# title: etcd requires client certificates
# description: >-
#   Without --client-cert-auth=true etcd accepts any client that reaches its port (the default
#   is false): whoever can connect reads and writes every object of the cluster, bypassing the
#   API server's authentication, authorization and audit. A container that runs etcd fails
#   unless client certificate authentication is on. etcd also reads each setting from an
#   ETCD_<FLAG> environment variable (honoured here); a container that sets --config-file (or
#   ETCD_CONFIG_FILE) is not judged, since the file is not visible.
# custom:
#   id: K8S-048
#   severity: high
#   resource_types: ["@workload"]
#   controls:
#     CC6.1: Direct access to the cluster datastore must be limited to authenticated clients (the API server).
#     CC6.6: Anything that reaches etcd's port across the network would otherwise get full access.
#   checkov: []
#   related_checkov:
#     CKV_K8S_117: checkov reads only the container's `command` list (flags in `args` are ignored) and requires the exact item --client-cert-auth=true
#   kics: [9391103a-d8d7-4671-ac5d-606ba7ccb0ac]
#   remediation: |
#     command:
#       - etcd
#       - --client-cert-auth=true
#       - --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
package soc2gate.policies.kubernetes.etcd_client_cert_auth

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs etcd without --client-cert-auth=true: any client that reaches it has full access", [p.c.name])) if {
	some p in flags.running("etcd")
	not flags.etcd_config_file(p.c)
	not flags.etcd_bool(p.c, "client-cert-auth") == true
}

# The settings are in the file --config-file names, which the manifest does not show.
inconclusive contains item if some item in flags.etcd_settings_in_file

# Judged: the workloads running etcd; any other workload gets no result
# (a pass there would claim a control-plane setting was checked).
applicable contains p.r.id if {
	some p in flags.running("etcd")
}
