# METADATA
# title: GCS buckets use uniform bucket-level access
# description: >-
#   With uniform bucket-level access only bucket-level IAM decides who can read objects;
#   per-object ACLs, which are easy to make public by accident and hard to review, are
#   switched off. Fails when `uniform_bucket_level_access` is false or absent (the
#   provider default is false). The deprecated `bucket_policy_only = true` also passes.
# custom:
#   id: TF-100
#   severity: high
#   resource_types: [google_storage_bucket]
#   controls:
#     CC6.1: Object access is governed by one auditable IAM policy instead of per-object ACLs.
#     PI1.4: Stored outputs cannot be exposed through an overlooked object ACL.
#   checkov: [CKV_GCP_29]
#   kics: [bb0db090-5509-4853-a827-75ced0b3caa0]
#   remediation: |
#     resource "google_storage_bucket" "data" {
#       name                        = "acme-data"
#       location                    = "EU"
#       uniform_bucket_level_access = true
#     }
package soc2gate.policies.terraform.gcp_storage_uniform_access

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "uniform_bucket_level_access", "bucket does not use uniform bucket-level access (object ACLs stay in force)") if {
	some r in tf.resources("google_storage_bucket")
	not tf.is_true(tf.attr(r, "uniform_bucket_level_access"))
	not tf.is_true(tf.attr(r, "bucket_policy_only"))
}
