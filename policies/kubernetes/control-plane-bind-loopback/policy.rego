# METADATA
# title: The controller manager and the scheduler listen on loopback only
# description: >-
#   kube-controller-manager (port 10257) and kube-scheduler (port 10259) serve health, metrics
#   and, unless disabled, profiling endpoints; nothing outside the control-plane node needs
#   them. --bind-address defaults to 0.0.0.0, every interface, which exposes them to the whole
#   network (CIS 1.3.7, 1.4.2). A container that runs kube-controller-manager or kube-scheduler
#   fails when --bind-address is absent or not a loopback address (127.0.0.0/8, ::1,
#   localhost).
# custom:
#   id: K8S-078
#   severity: medium
#   resource_types: ["@workload"]
#   controls:
#     CC6.6: Control-plane endpoints are not reachable from outside the node that runs them.
#   checkov: []
#   related_checkov:
#     CKV_K8S_113: checkov (kube-controller-manager) reads only the container's `command` list (flags in `args` are ignored)
#     CKV_K8S_115: checkov (kube-scheduler) reads only the container's `command` list (flags in `args` are ignored)
#   kics: [46a2e9ec-6a5f-4faa-9d39-4ea44d5d87a2]
#   remediation: |
#     command:
#       - kube-scheduler
#       - --bind-address=127.0.0.1
package soc2gate.policies.kubernetes.control_plane_bind_loopback

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

components := ["kube-controller-manager", "kube-scheduler"]

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs %s without --bind-address: it listens on every interface (0.0.0.0)", [p.c.name, program])) if {
	some program in components
	some p in flags.running(program)
	not flags.given(p.c, "bind-address")
}

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs %s with --bind-address=%s, not a loopback address", [p.c.name, program, address])) if {
	some program in components
	some p in flags.running(program)
	address := trim_space(flags.last_value(p.c, "bind-address"))
	not loopback(address)
}

loopback(a) if regex.match(`^127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$`, a)

loopback(a) if a in {"::1", "[::1]", "localhost", "0:0:0:0:0:0:0:1"}

# Judged: the workloads running one of the components; any other workload gets no result.
applicable contains p.r.id if {
	some program in components
	some p in flags.running(program)
}
