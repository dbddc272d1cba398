# METADATA
# title: Roles do not grant impersonation
# description: >-
#   The impersonate verb lets a subject act as another user, group or service account,
#   sudo-style, including ones with more privileges than its own. A rule of a Role or
#   ClusterRole fails when it grants impersonate (or "*") on users, groups or serviceaccounts
#   (core group) or on userextras/uids (authentication.k8s.io), or on "*".
# custom:
#   id: K8S-031
#   severity: high
#   resource_types: [Role, ClusterRole]
#   controls:
#     CC6.1: Acting as another identity breaks attribution and bypasses the access that identity was actually granted.
#     CC6.3: Least privilege, since impersonation lets a subject exercise any role bound to the impersonated identity.
#   checkov: [CKV2_K8S_3]
#   kics: [9f85c3f6-26fd-4007-938a-2e0cb0100980]
#   remediation: |
#     # Remove the impersonate rule; grant the needed permissions to the subject directly.
#     rules:
#       - apiGroups: [""]
#         resources: ["serviceaccounts"]
#         verbs: ["get", "list"]
package soc2gate.policies.kubernetes.rbac_impersonate

import data.soc2gate.lib.kubernetes as k8s
import rego.v1

deny contains k8s.fail(r, sprintf("rules[%d].verbs", [i]), sprintf("rule %d grants impersonation of other identities", [i])) if {
	some r in k8s.rbac_roles
	some i, rule in k8s.role_rules(r)
	is_object(rule)
	impersonates(rule)
}

impersonates(rule) if k8s.rule_grants(rule, {"impersonate"}, {"users", "groups", "serviceaccounts"})

impersonates(rule) if k8s.rule_grants_in(rule, {"authentication.k8s.io"}, {"impersonate"}, {"userextras", "uids"})

impersonates(rule) if {
	some resource in k8s.rule_list(rule, "resources")
	startswith(resource, "userextras/")
	k8s.rule_grants_in(rule, {"authentication.k8s.io"}, {"impersonate"}, {resource})
}
