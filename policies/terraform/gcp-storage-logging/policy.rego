# METADATA
# title: GCS buckets write access logs
# description: >-
#   Usage logs record every request to a bucket's objects, the evidence an investigation of
#   data access needs. Fails when a bucket has no non-empty `logging` block. A bucket
#   that receives other buckets' logs (named as their `log_bucket` in the same module) is
#   exempt: logging the log bucket into itself would loop.
# custom:
#   id: TF-103
#   severity: medium
#   resource_types: [google_storage_bucket]
#   controls:
#     CC7.2: Access logs let anomalous data access be detected.
#     CC7.3: Request records are evidence for evaluating a security event.
#   checkov: []
#   related_checkov:
#     CKV_GCP_62: soc2gate does not require the access-log target bucket to log to itself; checkov does
#   kics: [d6cabc3a-d57e-48c2-b341-bf3dd4f4a120]
#   remediation: |
#     resource "google_storage_bucket" "data" {
#       name     = "acme-data"
#       location = "EU"
#       logging {
#         log_bucket = google_storage_bucket.access_logs.name
#       }
#     }
package soc2gate.policies.terraform.gcp_storage_logging

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "logging", "bucket does not write usage (access) logs") if {
	some r in tf.resources("google_storage_bucket")
	not logs(r)
	not log_target(r)
}

logs(r) if {
	some l in tf.blocks(r.attributes, "logging")
	tf.is_set(l)
}

# Another bucket of the same module logs into r (by name or by reference).
log_target(r) if {
	some other in tf.resources("google_storage_bucket")
	other.module == r.module
	other.root == r.root
	other.id != r.id
	some l in tf.blocks(other.attributes, "logging")
	names_bucket(sprintf("%v", [object.get(l, "log_bucket", "")]), r)
}

names_bucket(value, r) if value == r.attributes.name

names_bucket(value, r) if contains(value, sprintf("google_storage_bucket.%s.", [r.name]))
