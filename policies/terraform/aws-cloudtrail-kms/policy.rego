# METADATA
# title: CloudTrail logs are encrypted with a KMS key
# description: >-
#   aws_cloudtrail must set kms_key_id so delivered log files use SSE-KMS with a customer
#   managed key instead of the bucket's default encryption.
# custom:
#   id: TF-012
#   severity: medium
#   resource_types: [aws_cloudtrail]
#   controls:
#     CC6.1: Audit logs are readable only by principals the key policy allows.
#     CC7.2: Integrity and confidentiality of the audit trail support anomaly detection.
#   checkov: [CKV_AWS_35]
#   kics: [5d9e3164-9265-470c-9a10-57ae454ac0c7]
#   remediation: |
#     resource "aws_cloudtrail" "main" {
#       name           = "main"
#       s3_bucket_name = aws_s3_bucket.trail.id
#       kms_key_id     = aws_kms_key.trail.arn
#     }
package soc2gate.policies.terraform.aws_cloudtrail_kms

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "kms_key_id", "trail logs are not encrypted with a KMS key: set kms_key_id") if {
	some r in tf.resources("aws_cloudtrail")
	not tf.known_set(r, "kms_key_id")
}
