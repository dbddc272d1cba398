# METADATA
# title: Roles do not grant read access to all Secrets
# description: >-
#   get, list or watch on secrets returns their decoded contents: database passwords, API
#   keys, TLS keys and every service account token of the namespace (or of the cluster, for a
#   ClusterRole). A rule of a Role or ClusterRole fails when it grants get, list, watch or "*"
#   on secrets (or on "*") in the core API group (or "*") without limiting it to named
#   Secrets with resourceNames.
# custom:
#   id: K8S-023
#   severity: high
#   resource_types: [Role, ClusterRole]
#   controls:
#     CC6.1: Read access to credentials is restricted to the specific secrets a subject needs.
#     CC6.3: Least privilege, since no role should be able to read every secret in its scope.
#     CC6.7: Secret material must not be retrievable in bulk by broadly granted roles.
#   checkov: [CKV2_K8S_5]
#   kics: [b7bca5c4-1dab-4c2c-8cbe-3050b9d59b14]
#   related_kics:
#     056ac60e-fe07-4acc-9b34-8e1d51716ab9: KICS fails a role only when a binding grants it to a ServiceAccount; soc2gate fails the role whoever it is bound to
#   remediation: |
#     rules:
#       - apiGroups: [""]
#         resources: ["secrets"]
#         resourceNames: ["web-tls"]     # only the secrets this subject needs
#         verbs: ["get"]
package soc2gate.policies.kubernetes.rbac_secrets_read

import data.soc2gate.lib.kubernetes as k8s
import rego.v1

deny contains k8s.fail(r, sprintf("rules[%d].verbs", [i]), sprintf("rule %d grants %s on every Secret in its %s", [i, concat("/", verbs), scope(r)])) if {
	some r in k8s.rbac_roles
	some i, rule in k8s.role_rules(r)
	is_object(rule)
	k8s.rule_grants(rule, {"get", "list", "watch"}, {"secrets"})
	not k8s.rule_named(rule)
	verbs := [v | some v in k8s.rule_list(rule, "verbs"); v in {"get", "list", "watch", "*"}]
}

scope(r) := "cluster" if {
	r.type == "ClusterRole"
} else := "namespace"
