# METADATA
# title: Roles do not grant exec, attach or port-forward into pods
# description: >-
#   pods/exec, pods/attach and pods/portforward give an interactive channel into running
#   containers: a subject can run commands as the container's user, read its secrets and
#   memory, and reach ports that are not exposed. A rule of a Role or ClusterRole fails when
#   it grants create or get (or "*") on pods/exec, pods/attach or pods/portforward in the core
#   API group (or "*"). Grants through resources "*" are reported by K8S-021.
# custom:
#   id: K8S-030
#   severity: medium
#   resource_types: [Role, ClusterRole]
#   controls:
#     CC6.1: Interactive access to production containers is a privileged path that bypasses application-level controls.
#     CC6.3: Least privilege, since day-to-day roles do not need a shell in running workloads.
#   checkov: []
#   kics: [c589f42c-7924-4871-aee2-1cede9bc7cbc, d45330fd-f58d-45fb-a682-6481477a0f84, 38fa11ef-dbcc-4da8-9680-7e1fd855b6fb]
#   remediation: |
#     rules:
#       - apiGroups: [""]
#         resources: ["pods", "pods/log"]     # read-only troubleshooting
#         verbs: ["get", "list", "watch"]
package soc2gate.policies.kubernetes.rbac_pod_exec

import data.soc2gate.lib.kubernetes as k8s
import rego.v1

subresources := {"pods/exec", "pods/attach", "pods/portforward"}

deny contains k8s.fail(r, sprintf("rules[%d].resources", [i]), sprintf("rule %d grants %s", [i, name])) if {
	some r in k8s.rbac_roles
	some i, rule in k8s.role_rules(r)
	is_object(rule)
	some name in k8s.rule_list(rule, "resources")
	name in subresources
	k8s.rule_grants(rule, {"create", "get"}, {name})
}
