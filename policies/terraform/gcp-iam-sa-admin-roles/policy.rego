# METADATA
# title: GCP service accounts hold no owner, editor or admin roles on projects, folders or organizations
# description: >-
#   A service account's key or token is used by software, often from many places; an owner,
#   editor or *Admin/*admin role turns its compromise into control of the whole project (CIS
#   GCP 1.5). Fails for a google_project_iam_member / _binding, google_folder_iam_member /
#   _binding or google_organization_iam_member / _binding that grants roles/owner,
#   roles/editor or a role whose name ends in "admin" (any case, e.g. roles/storage.admin,
#   roles/iam.serviceAccountAdmin) to a member starting with "serviceAccount:". Inconclusive
#   when such a role goes to members that are not known.
# custom:
#   id: TF-207
#   severity: high
#   resource_types:
#     - google_project_iam_member
#     - google_project_iam_binding
#     - google_folder_iam_member
#     - google_folder_iam_binding
#     - google_organization_iam_member
#     - google_organization_iam_binding
#   controls:
#     CC6.3: Workload identities get only the roles they need.
#     CC6.1: Administrative access is limited to accountable people.
#   inconclusive_if_unknown: [role]
#   checkov: []
#   related_checkov:
#     CKV_GCP_42: checkov judges google_project_iam_member only, user-managed accounts (*.iam.gserviceaccount.com) only, and any role containing admin, editor or owner
#   kics: [84d36481-fd63-48cb-838e-635c44806ec2]
#   remediation: |
#     resource "google_project_iam_member" "app_storage" {
#       project = "my-project"
#       role    = "roles/storage.objectViewer"
#       member  = "serviceAccount:${google_service_account.app.email}"
#     }
package soc2gate.policies.terraform.gcp_iam_sa_admin_roles

import data.soc2gate.lib.terraform as tf
import data.soc2gate.lib.values
import rego.v1

types := [
	"google_project_iam_member", "google_project_iam_binding",
	"google_folder_iam_member", "google_folder_iam_binding",
	"google_organization_iam_member", "google_organization_iam_binding",
]

deny contains tf.fail_certain(r, field, sprintf("service account %v is granted %v", [m, role])) if {
	some r in tf.resources_of(types)
	role := admin_role(r)
	some field in ["member", "members"]
	some m in values.as_list(tf.attr(r, field))
	is_string(m)
	startswith(lower(m), "serviceaccount:")
}

inconclusive contains {"resource": r.id, "path": field, "message": msg, "expression": expr} if {
	some r in tf.resources_of(types)
	role := admin_role(r)
	some field in ["member", "members"]
	some key, expr in object.get(r, "unknown", {})
	member_path(key, field)
	msg := sprintf("%s: %v is granted to members that are not known: %v", [r.address, role, expr])
}

member_path(key, field) if key == field

member_path(key, field) if startswith(key, sprintf("%v.", [field]))

admin_role(r) := role if {
	role := tf.attr(r, "role")
	is_string(role)
	not tf.unknown(r, "role")
	privileged(lower(role))
}

privileged(role) if role in {"roles/owner", "roles/editor"}

privileged(role) if endswith(role, "admin")
