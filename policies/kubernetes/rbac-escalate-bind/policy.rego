# METADATA
# title: Roles do not grant the RBAC escalate or bind verbs
# description: >-
#   RBAC normally stops a subject from granting permissions it does not hold. The escalate
#   verb on roles/clusterroles lets it edit a role to add any permission, and bind lets it
#   create bindings to roles more powerful than its own, so either one is a path to
#   cluster-admin. A rule of a Role or ClusterRole fails when it grants escalate or bind (or
#   "*") on roles or clusterroles (or "*") in rbac.authorization.k8s.io (or "*").
# custom:
#   id: K8S-032
#   severity: high
#   resource_types: [Role, ClusterRole]
#   controls:
#     CC6.1: Subjects must not be able to raise their own access beyond what was granted.
#     CC6.3: Role changes go through review, and escalate/bind bypass RBAC's built-in escalation check.
#   checkov: [CKV_K8S_157, CKV_K8S_158]
#   kics: [8320826e-7a9c-4b0b-9535-578333193432]
#   remediation: |
#     rules:
#       - apiGroups: ["rbac.authorization.k8s.io"]
#         resources: ["rolebindings"]
#         verbs: ["create"]     # RBAC still checks the creator holds every granted permission
package soc2gate.policies.kubernetes.rbac_escalate_bind

import data.soc2gate.lib.kubernetes as k8s
import rego.v1

deny contains k8s.fail(r, sprintf("rules[%d].verbs", [i]), sprintf("rule %d grants %s on roles, which allows privilege escalation", [i, verb])) if {
	some r in k8s.rbac_roles
	some i, rule in k8s.role_rules(r)
	is_object(rule)
	some verb in ["escalate", "bind"]
	k8s.rule_grants_in(rule, {"rbac.authorization.k8s.io"}, {verb}, {"roles", "clusterroles"})
}
