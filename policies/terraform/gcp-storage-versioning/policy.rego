# METADATA
# title: GCS buckets keep object versions
# description: >-
#   Object versioning keeps overwritten and deleted objects as noncurrent versions, so data
#   removed by mistake or by an attacker can be restored. Fails when the `versioning`
#   block is absent (versioning is off by default) or sets `enabled = false`.
# custom:
#   id: TF-102
#   severity: medium
#   resource_types: [google_storage_bucket]
#   controls:
#     CC7.4: Noncurrent versions let an incident response restore overwritten or deleted objects.
#     A1.2: Versions are a recovery point for stored data.
#     PI1.5: Stored data is protected against unintended overwrite and deletion.
#   checkov: [CKV_GCP_78]
#   kics: [e7e961ac-d17e-4413-84bc-8a1fbe242944]
#   remediation: |
#     resource "google_storage_bucket" "data" {
#       name     = "acme-data"
#       location = "EU"
#       versioning {
#         enabled = true
#       }
#     }
package soc2gate.policies.terraform.gcp_storage_versioning

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "versioning", "bucket has no versioning block: object versioning is off") if {
	some r in tf.resources("google_storage_bucket")
	count(tf.blocks(r.attributes, "versioning")) == 0
}

deny contains tf.fail(r, "versioning.enabled", "bucket versioning is not enabled") if {
	some r in tf.resources("google_storage_bucket")
	some v in tf.blocks(r.attributes, "versioning")
	not tf.is_true(object.get(v, "enabled", false))
}
