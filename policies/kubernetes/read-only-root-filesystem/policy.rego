# METADATA
# title: Containers mount their root filesystem read-only
# description: >-
#   With a writable root filesystem an attacker who gets code execution can drop tools,
#   modify binaries or persist changes for the container's lifetime. Every container (init,
#   regular, ephemeral) must set securityContext.readOnlyRootFilesystem: true and write only
#   to explicitly mounted volumes (emptyDir for scratch space). The field exists only at
#   container level.
# custom:
#   id: K8S-008
#   severity: medium
#   resource_types: ["@workload"]
#   controls:
#     CC6.8: An immutable root filesystem stops malicious code from installing itself or altering the application binaries.
#     CC6.1: Writes are confined to declared volumes, limiting what a compromised process can change.
#   checkov: [CKV_K8S_22]
#   kics: [a9c2f49d-0671-4fc9-9ece-f4e261e128d0]
#   remediation: |
#     spec:
#       containers:
#         - name: app
#           securityContext:
#             readOnlyRootFilesystem: true
#           volumeMounts:
#             - {name: tmp, mountPath: /tmp}
#       volumes:
#         - name: tmp
#           emptyDir: {}
package soc2gate.policies.kubernetes.read_only_root_filesystem

import data.soc2gate.lib.kubernetes as k8s
import rego.v1

deny contains k8s.fail(r, sprintf("%s.securityContext.readOnlyRootFilesystem", [c.path]), sprintf("container \"%s\" has a writable root filesystem (readOnlyRootFilesystem: %v)", [c.name, value])) if {
	some r in k8s.workloads
	some c in k8s.containers(r)
	value := k8s.container_context(c).readOnlyRootFilesystem
	value != null
	value != true
}

deny contains k8s.fail(r, c.path, sprintf("container \"%s\" does not set securityContext.readOnlyRootFilesystem: true (the root filesystem is writable by default)", [c.name])) if {
	some r in k8s.workloads
	some c in k8s.containers(r)
	object.get(k8s.container_context(c), "readOnlyRootFilesystem", null) == null
}
