# METADATA
# title: Containers keep the default masked /proc
# description: >-
#   The container runtime masks and read-protects sensitive parts of /proc and /sys (kcore,
#   keys, timer lists, sysrq-trigger, ...). securityContext.procMount Unmasked removes that
#   protection, exposing kernel memory and host information and allowing kernel parameters
#   to be changed. Every container (init, regular, ephemeral) fails when it sets procMount to
#   anything other than Default.
# custom:
#   id: K8S-034
#   severity: high
#   resource_types: ["@workload"]
#   controls:
#     CC6.1: The masked /proc is part of the isolation between the container and the host kernel.
#     CC6.8: An unmasked /proc gives malicious code kernel interfaces used to escape or tamper with the node.
#   checkov: []
#   kics: []
#   remediation: |
#     spec:
#       containers:
#         - name: app
#           securityContext:
#             procMount: Default    # or omit the field
package soc2gate.policies.kubernetes.proc_mount_unmasked

import data.soc2gate.lib.kubernetes as k8s
import rego.v1

deny contains k8s.fail(r, sprintf("%s.securityContext.procMount", [c.path]), sprintf("container \"%s\" sets procMount: %v, which unmasks /proc", [c.name, mount])) if {
	some r in k8s.workloads
	some c in k8s.containers(r)
	mount := k8s.container_context(c).procMount
	mount != null
	mount != "Default"
}
