# METADATA
# title: Containers set allowPrivilegeEscalation to false
# description: >-
#   Unless allowPrivilegeEscalation is explicitly false, a process in the container can gain
#   more privileges than its parent (setuid/setgid binaries, file capabilities): Kubernetes
#   defaults it to true. Every container (init, regular and ephemeral) of every workload must
#   set securityContext.allowPrivilegeEscalation: false. The field exists only at container
#   level, so a pod-level securityContext cannot satisfy it.
# custom:
#   id: K8S-002
#   severity: high
#   resource_types: ["@workload"]
#   controls:
#     CC6.1: Blocking setuid escalation keeps a compromised process inside the privileges it was granted.
#     CC6.8: Malicious code cannot use setuid binaries in the image to gain root in the container.
#   checkov: [CKV_K8S_20]
#   kics: [5572cc5e-1e4c-4113-92a6-7a8a3bd25e6d]
#   remediation: |
#     spec:
#       containers:
#         - name: app
#           securityContext:
#             allowPrivilegeEscalation: false
package soc2gate.policies.kubernetes.allow_privilege_escalation

import data.soc2gate.lib.kubernetes as k8s
import rego.v1

deny contains k8s.fail(r, sprintf("%s.securityContext.allowPrivilegeEscalation", [c.path]), sprintf("container \"%s\" sets allowPrivilegeEscalation: true", [c.name])) if {
	some r in k8s.workloads
	some c in k8s.containers(r)
	k8s.container_context(c).allowPrivilegeEscalation == true
}

deny contains k8s.fail(r, c.path, sprintf("container \"%s\" does not set securityContext.allowPrivilegeEscalation: false (Kubernetes defaults it to true)", [c.name])) if {
	some r in k8s.workloads
	some c in k8s.containers(r)
	object.get(k8s.container_context(c), "allowPrivilegeEscalation", null) == null
}
