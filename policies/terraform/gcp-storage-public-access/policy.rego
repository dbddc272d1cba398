# METADATA
# title: GCS buckets grant no access to allUsers or allAuthenticatedUsers
# description: >-
#   `allUsers` is anyone on the internet and `allAuthenticatedUsers` is anyone with a
#   Google account, so granting either makes bucket data public. Checks bucket IAM members
#   and bindings (also a `google_storage_bucket_iam_policy` built from a
#   `data.google_iam_policy` in the same module), bucket and object ACL entities, ACL
#   `role_entity` lists and public predefined ACLs.
# custom:
#   id: TF-101
#   severity: critical
#   resource_types:
#     - google_storage_bucket_iam_member
#     - google_storage_bucket_iam_binding
#     - google_storage_bucket_iam_policy
#     - google_storage_bucket_acl
#     - google_storage_bucket_access_control
#     - google_storage_default_object_access_control
#     - google_storage_default_object_acl
#     - google_storage_object_access_control
#   controls:
#     CC6.1: Public principals bypass logical access control over stored data.
#     CC6.6: Anonymous internet access to a bucket is access from outside the system boundary.
#     C1.1: Confidential data in buckets is not disclosed to the public.
#   inconclusive_if_unknown: [member, members, entity, role_entity, predefined_acl]
#   checkov: [CKV_GCP_28]
#   kics: [c010082c-76e0-4b91-91d9-6e8439e455dd, a6cd52a1-3056-4910-96a5-894de9f3f3b3]
#   remediation: |
#     resource "google_storage_bucket_iam_member" "reader" {
#       bucket = google_storage_bucket.data.name
#       role   = "roles/storage.objectViewer"
#       member = "group:data-readers@example.com"   # never allUsers / allAuthenticatedUsers
#     }
package soc2gate.policies.terraform.gcp_storage_public_access

import data.soc2gate.lib.terraform as tf
import data.soc2gate.lib.values
import rego.v1

public_principals := {"allUsers", "allAuthenticatedUsers"}

public_acls := {"publicRead", "publicReadWrite", "authenticatedRead"}

iam_types := {"google_storage_bucket_iam_member", "google_storage_bucket_iam_binding"}

entity_types := {
	"google_storage_bucket_access_control",
	"google_storage_default_object_access_control",
	"google_storage_object_access_control",
}

acl_types := {"google_storage_bucket_acl", "google_storage_default_object_acl"}

# Members named by `member` (string) or `members` (list, or a string by mistake).
members(attrs) := {m | some key in ["member", "members"]; some m in values.as_list(object.get(attrs, key, []))}

deny contains tf.fail_certain(r, key, sprintf("grants %s to %s", [role, m])) if {
	some r in tf.resources_of(iam_types)
	some key in ["member", "members"]
	some m in values.as_list(object.get(r.attributes, key, []))
	m in public_principals
	role := object.get(r.attributes, "role", "a role")
}

deny contains tf.fail(r, "entity", sprintf("ACL entry grants %s to %s", [object.get(r.attributes, "role", "access"), r.attributes.entity])) if {
	some r in tf.resources_of(entity_types)
	r.attributes.entity in public_principals
}

deny contains tf.fail_certain(r, "role_entity", sprintf("ACL entry `%v` is public", [entry])) if {
	some r in tf.resources_of(acl_types)
	some entry in values.as_list(object.get(r.attributes, "role_entity", []))
	parts := split(sprintf("%v", [entry]), ":")
	parts[count(parts) - 1] in public_principals
}

deny contains tf.fail(r, "predefined_acl", sprintf("predefined ACL `%s` is public", [r.attributes.predefined_acl])) if {
	some r in tf.resources_of(acl_types)
	r.attributes.predefined_acl in public_acls
}

# google_storage_bucket_iam_policy built from a data.google_iam_policy of the same module.
deny contains tf.fail(r, "", sprintf("policy from %s grants access to %s", [d.address, m])) if {
	some r in tf.resources("google_storage_bucket_iam_policy")
	some d in policy_documents(r)
	some binding in tf.blocks(d.attributes, "binding")
	some m in members(binding)
	m in public_principals
}

inconclusive contains {"resource": r.id, "path": "policy_data", "message": msg, "expression": expr} if {
	some r in tf.resources("google_storage_bucket_iam_policy")
	count(policy_documents(r)) == 0
	expr := sprintf("%v", [object.get(r.attributes, "policy_data", "")])
	msg := sprintf("%s: cannot decide: policy_data is not a data.google_iam_policy of this module", [r.address])
}

policy_documents(r) := [d |
	some d in object.get(input.resources, "google_iam_policy", [])
	d.kind == "data"
	d.module == r.module
	d.root == r.root
	contains(sprintf("%v", [object.get(r.attributes, "policy_data", "")]), sprintf("data.google_iam_policy.%s.", [d.name]))
]
