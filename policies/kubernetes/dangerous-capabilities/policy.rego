# METADATA
# title: Containers add no capabilities beyond the Pod Security baseline set
# description: >-
#   Linux capabilities split root's power; some of them (SYS_ADMIN, NET_ADMIN, NET_RAW,
#   SYS_PTRACE, SYS_MODULE, BPF, ALL, ...) are enough to escape the container or attack the
#   node's network. Every container (init, regular, ephemeral) may add only capabilities of
#   the Kubernetes Pod Security Standards baseline set (AUDIT_WRITE, CHOWN, DAC_OVERRIDE,
#   FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID,
#   SYS_CHROOT); names are compared case-insensitively with or without the CAP_ prefix.
# custom:
#   id: K8S-009
#   severity: high
#   resource_types: ["@workload"]
#   controls:
#     CC6.1: Dangerous capabilities grant kernel-level access outside the workload's authorized boundary.
#     CC6.8: Capabilities such as SYS_ADMIN or SYS_PTRACE are the usual container-escape path for malicious code.
#   checkov: [CKV_K8S_39]
#   kics: [235236ee-ad78-4065-bd29-61b061f28ce0, 19ebaa28-fc86-4a58-bcfa-015c9e22fe40]
#   remediation: |
#     spec:
#       containers:
#         - name: app
#           securityContext:
#             capabilities:
#               drop: ["ALL"]
#               add: ["NET_BIND_SERVICE"]   # only what the process needs, from the baseline set
package soc2gate.policies.kubernetes.dangerous_capabilities

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.values
import rego.v1

baseline := {
	"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
	"NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
}

deny contains k8s.fail(r, sprintf("%s.securityContext.capabilities.add[%d]", [c.path, j]), sprintf("container \"%s\" adds the capability %s", [c.name, name])) if {
	some r in k8s.workloads
	some c in k8s.containers(r)
	some j, cap in values.list_or_empty(object.get(values.as_object(k8s.container_context(c).capabilities), "add", []))
	name := trim_prefix(upper(sprintf("%v", [cap])), "CAP_")
	not name in baseline
}
