# METADATA
# title: S3 buckets encrypt data at rest
# description: >-
#   Every S3 bucket must have default server-side encryption, configured inline
#   (provider v3) or through a linked aws_s3_bucket_server_side_encryption_configuration
#   (provider v4+). Since January 2023 AWS applies SSE-S3 to new objects by default, but
#   an explicit configuration documents intent and lets you require KMS keys.
# custom:
#   id: TF-001
#   severity: high
#   resource_types: [aws_s3_bucket]
#   controls:
#     CC6.1: Encryption at rest is a logical access safeguard over stored information.
#     C1.1: Confidential data stored in buckets is protected from disclosure.
#   checkov: [CKV_AWS_19]
#   kics: []
#   remediation: |
#     resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
#       bucket = aws_s3_bucket.this.id
#       rule {
#         apply_server_side_encryption_by_default {
#           sse_algorithm     = "aws:kms"
#           kms_master_key_id = aws_kms_key.this.arn
#         }
#       }
#     }
package soc2gate.policies.terraform.aws_s3_encryption

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "server_side_encryption_configuration", "bucket has no default server-side encryption") if {
	some r in tf.resources("aws_s3_bucket")
	not encrypted_inline(r)
	not encrypted_linked(r)
}

algorithm_set(rule) if {
	some d in tf.blocks(rule, "apply_server_side_encryption_by_default")
	tf.is_set(d.sse_algorithm)
}

encrypted_inline(r) if {
	some cfg in tf.blocks(r.attributes, "server_side_encryption_configuration")
	some rule in tf.blocks(cfg, "rule")
	algorithm_set(rule)
}

encrypted_linked(r) if {
	some link in tf.links(r, "aws_s3_bucket_server_side_encryption_configuration")
	some rule in tf.blocks(link.attributes, "rule")
	algorithm_set(rule)
}
