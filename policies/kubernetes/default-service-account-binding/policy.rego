# METADATA
# title: No RoleBinding or ClusterRoleBinding grants permissions to a default service account
# description: >-
#   Every pod that does not name a service account runs as its namespace's "default" one, so
#   permissions bound to it are silently handed to every such pod. A RoleBinding or
#   ClusterRoleBinding fails when one of its subjects is a ServiceAccount named default.
#   Create a dedicated service account for the workload that needs the permissions.
# custom:
#   id: K8S-033
#   severity: medium
#   resource_types: [RoleBinding, ClusterRoleBinding]
#   controls:
#     CC6.2: Access is granted to a registered, purpose-specific identity, not to a shared default one.
#     CC6.3: Least privilege, since permissions reach only the workload that needs them.
#   checkov: [CKV_K8S_42]
#   kics: [1e749bc9-fde8-471c-af0c-8254efd2dee5]
#   remediation: |
#     subjects:
#       - kind: ServiceAccount
#         name: web            # a dedicated service account, used via spec.serviceAccountName
#         namespace: shop
package soc2gate.policies.kubernetes.default_service_account_binding

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.values
import rego.v1

deny contains k8s.fail(r, sprintf("subjects[%d].name", [i]), sprintf("the binding grants %v to the default service account of namespace %s", [role, ns])) if {
	some r in k8s.rbac_bindings
	some i, s in values.list_or_empty(object.get(r.attributes, "subjects", []))
	is_object(s)
	s.kind == "ServiceAccount"
	s.name == "default"
	ns := object.get(s, "namespace", k8s.namespace(r))
	role := k8s.text(values.as_object(object.get(r.attributes, "roleRef", {})), "name")
}
