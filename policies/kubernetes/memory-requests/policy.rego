# METADATA
# title: Containers request memory
# description: >-
#   The scheduler places pods by their requests; a container with no memory request can be
#   placed on a node without room for it and is the first evicted under memory pressure.
#   Every init and regular container must state resources.requests.memory explicitly. A
#   limit alone is not accepted: the request Kubernetes derives from it depends on the
#   namespace's LimitRange, so the manifest does not say what is reserved (checkov, KICS and
#   Polaris agree). Ephemeral containers cannot have resources and are not judged. Mapped to
#   availability (A1.1): the policy runs when `scope.categories` includes availability.
# custom:
#   id: K8S-015
#   severity: low
#   resource_types: ["@workload"]
#   controls:
#     A1.1: Requests are the capacity reservations the scheduler plans node capacity with.
#   checkov: [CKV_K8S_12]
#   kics: [229588ef-8fde-40c8-8756-f4f2b5825ded]
#   remediation: |
#     spec:
#       containers:
#         - name: app
#           resources:
#             requests: {cpu: 250m, memory: 256Mi}
#             limits: {memory: 512Mi}
package soc2gate.policies.kubernetes.memory_requests

import data.soc2gate.lib.kubernetes as k8s
import rego.v1

deny contains k8s.fail(r, k8s.resources_path(c, "requests"), sprintf("container \"%s\" does not request memory (resources.requests.memory)", [c.name])) if {
	some r in k8s.workloads
	some c in k8s.regular_containers(r)
	not k8s.resource_value(c, "requests", "memory")
}
