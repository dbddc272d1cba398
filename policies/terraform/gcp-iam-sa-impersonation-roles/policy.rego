# METADATA
# title: Service Account User and Token Creator are not granted on whole GCP projects
# description: >-
#   roles/iam.serviceAccountUser and roles/iam.serviceAccountTokenCreator let a principal act
#   as (or mint tokens for) a service account. Granted on a project, folder or organization,
#   they reach every service account inside it, including ones with far broader rights (CIS
#   GCP 1.6). Fails for a google_project_iam_member / _binding, google_folder_iam_member /
#   _binding or google_organization_iam_member / _binding granting either role, whoever the
#   member; grant them on the individual service account (google_service_account_iam_member).
# custom:
#   id: TF-206
#   severity: high
#   resource_types:
#     - google_project_iam_member
#     - google_project_iam_binding
#     - google_folder_iam_member
#     - google_folder_iam_binding
#     - google_organization_iam_member
#     - google_organization_iam_binding
#   controls:
#     CC6.3: Impersonation rights are granted per service account, following least privilege.
#     CC6.1: Access to privileged identities is restricted.
#   inconclusive_if_unknown: [role]
#   checkov: [CKV_GCP_41]
#   related_checkov:
#     CKV_GCP_49: checkov also fails project-level grants of roles that manage service accounts (serviceAccountAdmin, serviceAccountKeyAdmin, ...)
#   kics: [617ef6ff-711e-4bd7-94ae-e965911b1b40, c68b4e6d-4e01-4ca1-b256-1e18e875785c]
#   remediation: |
#     resource "google_service_account_iam_member" "deployer" {
#       service_account_id = google_service_account.app.name
#       role               = "roles/iam.serviceAccountUser"
#       member             = "group:deployers@example.com"
#     }
package soc2gate.policies.terraform.gcp_iam_sa_impersonation_roles

import data.soc2gate.lib.terraform as tf
import rego.v1

types := [
	"google_project_iam_member", "google_project_iam_binding",
	"google_folder_iam_member", "google_folder_iam_binding",
	"google_organization_iam_member", "google_organization_iam_binding",
]

roles := {"roles/iam.serviceaccountuser", "roles/iam.serviceaccounttokencreator"}

deny contains tf.fail(r, "role", sprintf("%v is granted on the whole %v: grant it on individual service accounts", [role, scope(r)])) if {
	some r in tf.resources_of(types)
	role := tf.attr(r, "role")
	lower(sprintf("%v", [role])) in roles
}

scope(r) := trim_suffix(trim_suffix(trim_prefix(r.type, "google_"), "_iam_member"), "_iam_binding")
