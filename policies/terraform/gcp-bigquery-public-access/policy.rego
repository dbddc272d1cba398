# METADATA
# title: BigQuery datasets grant no access to allUsers or allAuthenticatedUsers
# description: >-
#   A dataset readable by `allUsers` or `allAuthenticatedUsers` discloses its tables to
#   anyone. Checks `access` blocks of `google_bigquery_dataset` (`special_group` or
#   `iam_member`), `google_bigquery_dataset_access` resources, and dataset and table IAM
#   members and bindings.
# custom:
#   id: TF-116
#   severity: high
#   resource_types:
#     - google_bigquery_dataset
#     - google_bigquery_dataset_access
#     - google_bigquery_dataset_iam_member
#     - google_bigquery_dataset_iam_binding
#     - google_bigquery_table_iam_member
#     - google_bigquery_table_iam_binding
#   controls:
#     CC6.1: Public principals bypass logical access control over analytical data.
#     C1.1: Confidential data in datasets is not disclosed to the public.
#   inconclusive_if_unknown: [access, special_group, iam_member, member, members]
#   checkov: [CKV_GCP_15]
#   kics: [e576ce44-dd03-4022-a8c0-3906acca2ab4]
#   remediation: |
#     resource "google_bigquery_dataset" "analytics" {
#       dataset_id = "analytics"
#       location   = "EU"
#       access {
#         role           = "READER"
#         group_by_email = "analysts@example.com"
#       }
#     }
package soc2gate.policies.terraform.gcp_bigquery_public_access

import data.soc2gate.lib.terraform as tf
import data.soc2gate.lib.values
import rego.v1

public_principals := {"allUsers", "allAuthenticatedUsers"}

iam_types := [
	"google_bigquery_dataset_iam_member", "google_bigquery_dataset_iam_binding",
	"google_bigquery_table_iam_member", "google_bigquery_table_iam_binding",
]

deny contains tf.fail(r, sprintf("access.%s", [key]), sprintf("dataset access grants %s to %s", [object.get(a, "role", "a role"), a[key]])) if {
	some r in tf.resources("google_bigquery_dataset")
	some a in tf.blocks(r.attributes, "access")
	some key in ["special_group", "iam_member"]
	a[key] in public_principals
}

deny contains tf.fail(r, key, sprintf("grants %s to %s", [object.get(r.attributes, "role", "a role"), r.attributes[key]])) if {
	some r in tf.resources("google_bigquery_dataset_access")
	some key in ["special_group", "iam_member"]
	r.attributes[key] in public_principals
}

deny contains tf.fail_certain(r, key, sprintf("grants %s to %s", [object.get(r.attributes, "role", "a role"), m])) if {
	some r in tf.resources_of(iam_types)
	some key in ["member", "members"]
	some m in values.as_list(object.get(r.attributes, key, []))
	m in public_principals
}
