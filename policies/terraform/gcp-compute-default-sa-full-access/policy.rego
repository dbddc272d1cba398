# METADATA
# title: GCE VMs do not run as the default service account with full API access
# description: >-
#   A google_compute_instance or instance template whose service_account block uses the Compute
#   Engine default service account (no email, or PROJECT_NUMBER-compute@developer.gserviceaccount.com)
#   with the cloud-platform scope gives every process on the VM the default account's broad
#   project Editor rights over every Google Cloud API. Use a dedicated service account (where
#   cloud-platform with narrow IAM roles is the recommended pattern) or narrow scopes. An email
#   taken from a google_service_account resource is a dedicated account; one from the
#   google_compute_default_service_account data source is the default account; any other email
#   soc2gate cannot resolve leaves a full-scope VM inconclusive.
# custom:
#   id: TF-193
#   severity: high
#   resource_types: [google_compute_instance, google_compute_instance_template, google_compute_region_instance_template]
#   controls:
#     CC6.3: Workloads get only the access their role requires (least privilege).
#     CC6.1: Access to cloud APIs is restricted to what the workload is authorized for.
#   checkov: [CKV_GCP_31]
#   kics: [bc280331-27b9-4acb-a010-018e8098aa5d]
#   remediation: |
#     service_account {
#       email  = google_service_account.app.email
#       scopes = ["cloud-platform"]
#     }
package soc2gate.policies.terraform.gcp_compute_default_sa_full_access

import data.soc2gate.lib.terraform as tf
import data.soc2gate.lib.values
import rego.v1

instance_types := ["google_compute_instance", "google_compute_instance_template", "google_compute_region_instance_template"]

full_scopes := {"cloud-platform", "https://www.googleapis.com/auth/cloud-platform"}

full_access(account) if {
	some scope in values.as_list(object.get(account, "scopes", []))
	scope in full_scopes
}

default_account(account) if object.get(account, "email", null) == null

default_account(account) if regex.match(`^[0-9]+-compute@developer\.gserviceaccount\.com$`, account.email)

deny contains tf.fail(r, "service_account.scopes", "the default compute service account has the cloud-platform scope (full API access)") if {
	some r in tf.resources_of(instance_types)
	some account in tf.blocks(r.attributes, "service_account")
	not tf.unknown(r, "service_account.email")
	default_account(account)
	full_access(account)
}

# An unresolved email: its expression tells a dedicated account from the default one.
email_expression(r) := object.get(object.get(r, "unknown", {}), "service_account.email", "")

dedicated_reference(r) if startswith(email_expression(r), "google_service_account.")

default_reference(r) if startswith(email_expression(r), "data.google_compute_default_service_account.")

deny contains tf.fail_certain(r, "service_account.scopes", "the default compute service account has the cloud-platform scope (full API access)") if {
	some r in tf.resources_of(instance_types)
	some account in tf.blocks(r.attributes, "service_account")
	default_reference(r)
	full_access(account)
}

deny contains tf.fail(r, "service_account.email", "the cloud-platform scope is granted to a service account soc2gate cannot resolve") if {
	some r in tf.resources_of(instance_types)
	some account in tf.blocks(r.attributes, "service_account")
	tf.unknown(r, "service_account.email")
	not dedicated_reference(r)
	not default_reference(r)
	full_access(account)
}

deny contains tf.fail(r, "service_account.scopes", "the default compute service account has scopes soc2gate cannot resolve") if {
	some r in tf.resources_of(instance_types)
	some account in tf.blocks(r.attributes, "service_account")
	tf.unknown(r, "service_account.scopes")
	not tf.unknown(r, "service_account.email")
	default_account(account)
}
