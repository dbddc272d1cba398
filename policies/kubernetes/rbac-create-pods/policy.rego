# METADATA
# title: Roles do not grant creating pods
# description: >-
#   Whoever can create a pod can run it under any service account of the namespace (and read
#   that account's token and every Secret it may mount), so create on pods is an escalation path
#   to the strongest identity in the namespace. A rule of a Role or ClusterRole fails when it
#   grants create (or "*") on pods (or "*") in the core API group (or "*"). Workload controllers
#   (Deployments, Jobs) are granted to CI identities on purpose and are not judged. RBAC matches
#   "*" only as a whole word: a verb or resource such as "c*e" grants nothing.
# custom:
#   id: K8S-055
#   severity: medium
#   resource_types: [Role, ClusterRole]
#   controls:
#     CC6.1: Pod creation lets a subject act with the permissions of any service account in its scope.
#     CC6.3: Least privilege, since people and most service accounts need not create bare pods.
#   checkov: []
#   kics: [592ad21d-ad9b-46c6-8d2d-fad09d62a942]
#   remediation: |
#     rules:
#       - apiGroups: [""]
#         resources: ["pods"]
#         verbs: ["get", "list", "watch"]   # read-only; deploy through a reviewed pipeline
package soc2gate.policies.kubernetes.rbac_create_pods

import data.soc2gate.lib.kubernetes as k8s
import rego.v1

deny contains k8s.fail(r, sprintf("rules[%d].verbs", [i]), sprintf("rule %d grants create on pods", [i])) if {
	some r in k8s.rbac_roles
	some i, rule in k8s.role_rules(r)
	is_object(rule)
	k8s.rule_grants(rule, {"create"}, {"pods"})
}
