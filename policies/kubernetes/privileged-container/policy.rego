# METADATA
# title: Containers do not run privileged
# description: >-
#   A privileged container has every capability of the host and can escape to the
#   node. No container (init, regular or ephemeral) of any workload may set
#   securityContext.privileged to true.
# custom:
#   id: K8S-001
#   severity: critical
#   resource_types: ["@workload"]
#   controls:
#     CC6.1: Privileged containers bypass the logical access boundary between workloads and the host.
#     CC6.8: Host-level access lets malicious code spread beyond the container.
#   checkov: [CKV_K8S_16]
#   kics: [dd29336b-fe57-445b-a26e-e6aa867ae609]
#   remediation: |
#     securityContext:
#       privileged: false
#       allowPrivilegeEscalation: false
package soc2gate.policies.kubernetes.privileged_container

import data.soc2gate.lib.kubernetes as k8s
import rego.v1

deny contains k8s.fail(r, sprintf("%s.securityContext.privileged", [c.path]), sprintf("container \"%s\" runs privileged", [c.name])) if {
	some r in k8s.workloads
	some c in k8s.containers(r)
	k8s.container_context(c).privileged == true
}
