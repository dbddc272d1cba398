# METADATA
# title: Kubelets do not serve the unauthenticated read-only port
# description: >-
#   The kubelet's read-only port serves pod specs, node status and metrics over plain HTTP
#   without authentication or authorization. A container that runs kubelet fails when --read-
#   only-port is not 0, or when the flag is absent without a --config file (the flag's default
#   is 10255); a KubeletConfiguration fails when readOnlyPort is set to a non-zero port (its
#   default there is 0).
# custom:
#   id: K8S-054
#   severity: medium
#   resource_types: ["@workload", KubeletConfiguration]
#   controls:
#     CC6.1: Node and workload details are served to anyone, without authentication.
#     CC6.6: An unauthenticated listener on every node is reachable across the network boundary.
#   checkov: []
#   related_checkov:
#     CKV_K8S_141: checkov judges kubelet command lines only and requires the exact item --read-only-port=0
#   kics: [2940d48a-dc5e-4178-a3f8-bfbd80720b41]
#   remediation: |
#     # KubeletConfiguration
#     readOnlyPort: 0
#     # kubelet command line
#     command:
#       - kubelet
#       - --read-only-port=0
package soc2gate.policies.kubernetes.kubelet_read_only_port

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs kubelet with --read-only-port=%d", [p.c.name, flags.integer(p.c, "read-only-port")])) if {
	some p in flags.running("kubelet")
	flags.integer(p.c, "read-only-port") != 0
}

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs kubelet without --read-only-port=0 or a --config file: the default read-only port 10255 is served", [p.c.name])) if {
	some p in flags.running("kubelet")
	not flags.given(p.c, "read-only-port")
	not flags.non_empty(p.c, "config")
}

deny contains k8s.fail(r, "readOnlyPort", sprintf("the kubelet configuration serves the read-only port %v", [r.attributes.readOnlyPort])) if {
	some r in k8s.resources("KubeletConfiguration")
	port := object.get(r.attributes, "readOnlyPort", 0)
	is_number(port)
	port != 0
}

# The setting is in the file --config names (not part of the manifest).
inconclusive contains item if some item in flags.kubelet_setting_in_file("read-only-port")

# Judged: the workloads running kubelet and KubeletConfiguration objects; any other workload gets no result
# (a pass there would claim a control-plane setting was checked).
applicable contains p.r.id if {
	some p in flags.running("kubelet")
}

applicable contains r.id if {
	some r in k8s.resources("KubeletConfiguration")
}
