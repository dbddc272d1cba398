# METADATA
# title: SNS topics are encrypted with KMS
# description: >-
#   aws_sns_topic must set kms_master_key_id (an AWS managed alias such as alias/aws/sns or a
#   customer managed key); SNS topics are not encrypted at rest otherwise.
# custom:
#   id: TF-009
#   severity: medium
#   resource_types: [aws_sns_topic]
#   controls:
#     CC6.1: Encryption at rest is a logical access safeguard over stored information.
#     C1.1: Confidential information at rest is protected from disclosure.
#   checkov: [CKV_AWS_26]
#   kics: [28545147-2fc6-42d5-a1f9-cf226658e591]
#   remediation: |
#     resource "aws_sns_topic" "alerts" {
#       name              = "alerts"
#       kms_master_key_id = aws_kms_key.sns.id
#     }
package soc2gate.policies.terraform.aws_sns_encryption

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "kms_master_key_id", "SNS topic is not encrypted: set kms_master_key_id") if {
	some r in tf.resources("aws_sns_topic")
	not tf.known_set(r, "kms_master_key_id")
}
