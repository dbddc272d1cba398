# METADATA
# title: GCE VMs use OS Login
# description: >-
#   OS Login ties SSH access to IAM identities (with 2-step verification and central
#   revocation) instead of SSH keys copied into metadata. Fails when the authoritative
#   `google_compute_project_metadata` does not set `enable-oslogin` to true (it replaces all
#   project metadata, so leaving the key out turns OS Login off), when a
#   `google_compute_project_metadata_item` sets it to false, and when an instance or
#   instance template overrides it with false.
# custom:
#   id: TF-121
#   severity: medium
#   resource_types:
#     - google_compute_project_metadata
#     - google_compute_project_metadata_item
#     - google_compute_instance
#     - google_compute_instance_template
#     - google_compute_region_instance_template
#   controls:
#     CC6.1: SSH access is authenticated with managed identities, not unmanaged keys.
#     CC6.2: Removing a user's IAM access removes their SSH access.
#   inconclusive_if_unknown: [metadata, value, key]
#   checkov: [CKV_GCP_33, CKV_GCP_34]
#   kics: [32ecd6eb-0711-421f-9627-1a28d9eff217, d0b4d550-c001-46c3-bbdb-d5d75d33f05f]
#   remediation: |
#     resource "google_compute_project_metadata_item" "oslogin" {
#       key   = "enable-oslogin"
#       value = "TRUE"
#     }
package soc2gate.policies.terraform.gcp_compute_os_login

import data.soc2gate.lib.terraform as tf
import rego.v1

instance_types := ["google_compute_instance", "google_compute_instance_template", "google_compute_region_instance_template"]

deny contains tf.fail(r, "metadata.enable-oslogin", "project metadata does not enable OS Login (enable-oslogin)") if {
	some r in tf.resources("google_compute_project_metadata")
	metadata := tf.attr(r, "metadata")
	is_object(metadata)
	not tf.is_true(object.get(metadata, "enable-oslogin", false))
}

deny contains tf.fail(r, "value", "project metadata turns OS Login off (enable-oslogin)") if {
	some r in tf.resources("google_compute_project_metadata_item")
	tf.attr(r, "key") == "enable-oslogin"
	tf.is_false(tf.attr(r, "value"))
}

deny contains tf.fail(r, "metadata.enable-oslogin", "instance metadata turns OS Login off (enable-oslogin)") if {
	some r in tf.resources_of(instance_types)
	metadata := tf.attr(r, "metadata")
	is_object(metadata)
	tf.is_false(object.get(metadata, "enable-oslogin", null))
}
