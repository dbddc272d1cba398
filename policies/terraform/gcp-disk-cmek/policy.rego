# METADATA
# title: Compute disks are encrypted with a customer-managed or customer-supplied key
# description: >-
#   Google encrypts every disk, but only a Cloud KMS key (CMEK) or a customer-supplied key
#   (CSEK) lets you control, rotate, audit use of and revoke the key that protects the
#   data. Fails for a `google_compute_disk` or `google_compute_region_disk` without a
#   `disk_encryption_key` that sets `kms_key_self_link`, `raw_key` or
#   `rsa_encrypted_key` to a non-empty value.
# custom:
#   id: TF-112
#   severity: medium
#   resource_types: [google_compute_disk, google_compute_region_disk]
#   controls:
#     CC6.1: Encryption with a key you manage is a logical access safeguard over stored data.
#     C1.1: Revoking the key makes confidential data on the disk unreadable.
#   checkov: [CKV_GCP_37]
#   kics: [b1d51728-7270-4991-ac2f-fc26e2695b38]
#   remediation: |
#     resource "google_compute_disk" "data" {
#       name = "data"
#       zone = "europe-west1-b"
#       size = 100
#       disk_encryption_key {
#         kms_key_self_link = google_kms_crypto_key.disks.id
#       }
#     }
package soc2gate.policies.terraform.gcp_disk_cmek

import data.soc2gate.lib.terraform as tf
import rego.v1

key_fields := ["kms_key_self_link", "raw_key", "rsa_encrypted_key"]

deny contains tf.fail(r, path, "disk is encrypted only with a Google-managed key (no CMEK or CSEK)") if {
	some r in tf.resources_of(["google_compute_disk", "google_compute_region_disk"])
	not customer_key(r)
	path := key_path(r)
}

customer_key(r) if {
	some k in tf.blocks(r.attributes, "disk_encryption_key")
	some field in key_fields
	tf.is_set(object.get(k, field, null))
}

key_path(r) := sprintf("disk_encryption_key.%s", [present[0]]) if {
	present := [field | some k in tf.blocks(r.attributes, "disk_encryption_key"); some field in key_fields; field in object.keys(k)]
	count(present) > 0
} else := "disk_encryption_key.kms_key_self_link"
