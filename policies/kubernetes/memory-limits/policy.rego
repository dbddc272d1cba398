# METADATA
# title: Containers set a memory limit
# description: >-
#   A container without resources.limits.memory can consume the node's memory until the
#   kernel's OOM killer starts terminating other pods, so one leak or attack takes down its
#   neighbours. Every init and regular container must set resources.limits.memory (ephemeral
#   containers cannot have resources and are not judged). Mapped to availability (A1.1): the
#   policy runs when `scope.categories` includes availability.
# custom:
#   id: K8S-013
#   severity: medium
#   resource_types: ["@workload"]
#   controls:
#     A1.1: Memory limits bound each workload's consumption so node capacity can be planned and protected.
#   checkov: [CKV_K8S_13]
#   kics: [b14d1bc4-a208-45db-92f0-e21f8e2588e9]
#   remediation: |
#     spec:
#       containers:
#         - name: app
#           resources:
#             requests: {cpu: 250m, memory: 256Mi}
#             limits: {memory: 512Mi}
package soc2gate.policies.kubernetes.memory_limits

import data.soc2gate.lib.kubernetes as k8s
import rego.v1

deny contains k8s.fail(r, k8s.resources_path(c, "limits"), sprintf("container \"%s\" has no memory limit (resources.limits.memory)", [c.name])) if {
	some r in k8s.workloads
	some c in k8s.regular_containers(r)
	not k8s.resource_value(c, "limits", "memory")
}
