# METADATA
# title: Containers set a CPU limit
# description: >-
#   A container without resources.limits.cpu can use every idle CPU cycle of the node and,
#   when load rises, starve its neighbours, so one runaway or compromised workload degrades
#   the others. Every init and regular container must set resources.limits.cpu (ephemeral
#   containers cannot have resources and are not judged). Mapped to availability (A1.1): the
#   policy runs when `scope.categories` includes availability.
# custom:
#   id: K8S-012
#   severity: low
#   resource_types: ["@workload"]
#   controls:
#     A1.1: CPU limits bound each workload's consumption so node capacity can be planned and protected.
#   checkov: [CKV_K8S_11]
#   kics: [4ac0e2b7-d2d2-4af7-8799-e8de6721ccda]
#   remediation: |
#     spec:
#       containers:
#         - name: app
#           resources:
#             requests: {cpu: 250m, memory: 256Mi}
#             limits: {cpu: "1", memory: 512Mi}
package soc2gate.policies.kubernetes.cpu_limits

import data.soc2gate.lib.kubernetes as k8s
import rego.v1

deny contains k8s.fail(r, k8s.resources_path(c, "limits"), sprintf("container \"%s\" has no CPU limit (resources.limits.cpu)", [c.name])) if {
	some r in k8s.workloads
	some c in k8s.regular_containers(r)
	not k8s.resource_value(c, "limits", "cpu")
}
