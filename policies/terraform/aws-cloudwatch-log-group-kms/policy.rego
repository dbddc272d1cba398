# METADATA
# title: CloudWatch log groups are encrypted with a KMS key
# description: >-
#   aws_cloudwatch_log_group must set kms_key_id. Logs often hold personal and security data; a
#   customer managed key puts decryption under a key policy and records every use.
# custom:
#   id: TF-011
#   severity: medium
#   resource_types: [aws_cloudwatch_log_group]
#   controls:
#     CC6.1: A KMS key restricts who can read stored log data.
#     CC7.3: Security event logs used to evaluate incidents are protected from tampering and disclosure.
#   checkov: [CKV_AWS_158]
#   kics: [0afbcfe9-d341-4b92-a64c-7e6de0543879]
#   remediation: |
#     resource "aws_cloudwatch_log_group" "app" {
#       name              = "/app/api"
#       retention_in_days = 365
#       kms_key_id        = aws_kms_key.logs.arn
#     }
package soc2gate.policies.terraform.aws_cloudwatch_log_group_kms

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "kms_key_id", "log group is not encrypted with a KMS key: set kms_key_id") if {
	some r in tf.resources("aws_cloudwatch_log_group")
	not tf.known_set(r, "kms_key_id")
}
