# METADATA
# title: Roles and ClusterRoles grant no wildcard permissions
# description: >-
#   A "*" in a rule grants every current and future verb, resource or API group, including
#   ones (secrets, escalate, impersonate, CRDs added later) nobody reviewed when the role was
#   written. Every rule of every Role and ClusterRole is checked for "*" in apiGroups,
#   resources, verbs and nonResourceURLs.
# custom:
#   id: K8S-021
#   severity: high
#   resource_types: [Role, ClusterRole]
#   controls:
#     CC6.1: Access is granted to enumerated resources and actions, never to everything.
#     CC6.3: Least privilege, since wildcard rules grant permissions the role's purpose does not need.
#   checkov: [CKV_K8S_49]
#   kics: [6b896afb-ca07-467a-b256-1a0077a1c08e]
#   remediation: |
#     rules:
#       - apiGroups: [""]
#         resources: ["configmaps"]
#         verbs: ["get", "list", "watch"]
package soc2gate.policies.kubernetes.rbac_wildcards

import data.soc2gate.lib.kubernetes as k8s
import rego.v1

deny contains k8s.fail(r, sprintf("rules[%d].%s", [i, field]), sprintf("rule %d grants \"*\" in %s", [i, field])) if {
	some r in k8s.rbac_roles
	some i, rule in k8s.role_rules(r)
	is_object(rule)
	some field in ["apiGroups", "resources", "verbs", "nonResourceURLs"]
	"*" in k8s.rule_list(rule, field)
}
