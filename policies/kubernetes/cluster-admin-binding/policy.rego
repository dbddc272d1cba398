# METADATA
# title: No binding grants the cluster-admin role
# description: >-
#   cluster-admin is unrestricted superuser access to the whole cluster (every resource, every
#   namespace, every secret). A ClusterRoleBinding or RoleBinding whose roleRef is the
#   ClusterRole cluster-admin fails, whoever the subjects are; break-glass access should be a
#   time-limited, waived exception.
# custom:
#   id: K8S-022
#   severity: high
#   resource_types: [ClusterRoleBinding, RoleBinding]
#   controls:
#     CC6.1: Superuser access to the whole platform must not be a standing grant in deployed configuration.
#     CC6.2: Administrative access is granted through reviewed, specific roles rather than the catch-all superuser role.
#     CC6.3: Least privilege, since subjects get the roles their function needs and not full control.
#   checkov: []
#   kics: [249328b8-5f0f-409f-b1dd-029f07882e11]
#   remediation: |
#     kind: RoleBinding              # namespaced, and to a purpose-built role
#     roleRef:
#       apiGroup: rbac.authorization.k8s.io
#       kind: Role
#       name: deployer
package soc2gate.policies.kubernetes.cluster_admin_binding

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.values
import rego.v1

deny contains k8s.fail(r, "roleRef.name", sprintf("the binding grants cluster-admin to %s", [subjects(r)])) if {
	some r in k8s.rbac_bindings
	ref := values.as_object(object.get(r.attributes, "roleRef", {}))
	ref.name == "cluster-admin"
	object.get(ref, "kind", "ClusterRole") == "ClusterRole"
}

subjects(r) := "no subjects" if {
	count(values.list_or_empty(object.get(r.attributes, "subjects", []))) == 0
} else := concat(", ", [sprintf("%s %s", [k8s.text(s, "kind"), k8s.text(s, "name")]) |
	some s in values.list_or_empty(object.get(r.attributes, "subjects", []))
	is_object(s)
])
