# METADATA
# title: Pods set only safe sysctls
# description: >-
#   Sysctls set in spec.securityContext.sysctls change kernel parameters; outside the small
#   set Kubernetes isolates per pod they affect every pod on the node or can be used to
#   exhaust node resources. A pod fails for each sysctl that is not in the Pod Security
#   Standards baseline safe set (kernel.shm_rmid_forced, net.ipv4.ip_local_port_range,
#   net.ipv4.ip_local_reserved_ports, net.ipv4.ip_unprivileged_port_start,
#   net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, net.ipv4.tcp_keepalive_time,
#   net.ipv4.tcp_fin_timeout, net.ipv4.tcp_keepalive_intvl, net.ipv4.tcp_keepalive_probes);
#   "/" separators are read as ".".
# custom:
#   id: K8S-035
#   severity: high
#   resource_types: ["@workload"]
#   controls:
#     CC6.1: Node-wide kernel settings are outside a single workload's authorized scope.
#     CC6.8: Unsafe sysctls let a compromised pod weaken the kernel protections of every pod on the node.
#   checkov: []
#   kics: [9127f0d9-2310-42e7-866f-5fd9d20dcbad]
#   remediation: |
#     spec:
#       securityContext:
#         sysctls:
#           - name: net.ipv4.ip_unprivileged_port_start   # only sysctls from the safe set
#             value: "80"
package soc2gate.policies.kubernetes.unsafe_sysctls

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.values
import rego.v1

safe := {
	"kernel.shm_rmid_forced",
	"net.ipv4.ip_local_port_range",
	"net.ipv4.ip_local_reserved_ports",
	"net.ipv4.ip_unprivileged_port_start",
	"net.ipv4.tcp_syncookies",
	"net.ipv4.ping_group_range",
	"net.ipv4.tcp_keepalive_time",
	"net.ipv4.tcp_fin_timeout",
	"net.ipv4.tcp_keepalive_intvl",
	"net.ipv4.tcp_keepalive_probes",
}

deny contains k8s.fail(r, sprintf("%s.securityContext.sysctls[%d].name", [r.pod.path, i]), sprintf("the pod sets the unsafe sysctl %s", [name])) if {
	some r in k8s.workloads
	some i, s in values.list_or_empty(object.get(k8s.pod_context(r), "sysctls", []))
	name := k8s.text(values.as_object(s), "name")
	not replace(name, "/", ".") in safe
}
