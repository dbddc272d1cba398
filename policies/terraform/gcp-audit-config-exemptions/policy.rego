# METADATA
# title: GCP audit log configurations exempt no principals
# description: >-
#   Cloud Audit Logs record who did what; an exempted member's reads and writes of the
#   configured log types are not logged at all, a blind spot for exactly the principal named.
#   Fails for a google_project_iam_audit_config, google_folder_iam_audit_config or
#   google_organization_iam_audit_config whose audit_log_config blocks list exempted_members.
# custom:
#   id: TF-203
#   severity: medium
#   resource_types: [google_project_iam_audit_config, google_folder_iam_audit_config, google_organization_iam_audit_config]
#   controls:
#     CC7.2: Audit logs cover the activity of every principal.
#     CC4.1: Monitoring evidence is complete, without exempted users.
#   inconclusive_if_unknown: [audit_log_config.exempted_members]
#   checkov: []
#   kics: [89fe890f-b480-460c-8b6b-7d8b1468adb4]
#   remediation: |
#     resource "google_project_iam_audit_config" "all" {
#       project = "my-project"
#       service = "allServices"
#       audit_log_config {
#         log_type = "ADMIN_READ"
#       }
#       audit_log_config {
#         log_type = "DATA_READ"
#       }
#       audit_log_config {
#         log_type = "DATA_WRITE"
#       }
#     }
package soc2gate.policies.terraform.gcp_audit_config_exemptions

import data.soc2gate.lib.terraform as tf
import rego.v1

types := ["google_project_iam_audit_config", "google_folder_iam_audit_config", "google_organization_iam_audit_config"]

deny contains tf.fail(r, "audit_log_config.exempted_members", sprintf("%v audit logs exempt %v", [object.get(c, "log_type", "?"), members])) if {
	some r in tf.resources_of(types)
	some c in tf.blocks(r.attributes, "audit_log_config")
	members := object.get(c, "exempted_members", null)
	tf.is_set(members)
}
