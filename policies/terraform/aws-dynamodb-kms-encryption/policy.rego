# METADATA
# title: DynamoDB tables use KMS server-side encryption
# description: >-
#   DynamoDB always encrypts tables with an AWS-owned key; enabling server_side_encryption
#   switches to a KMS key (AWS managed or customer managed) whose use is logged in CloudTrail
#   and governed by a key policy. aws_dynamodb_table must have server_side_encryption { enabled
#   = true }.
# custom:
#   id: TF-007
#   severity: medium
#   resource_types: [aws_dynamodb_table]
#   controls:
#     CC6.1: A KMS key puts access to table data under an auditable key policy.
#     PI1.5: Stored data is protected with a key the entity controls and can audit.
#   checkov: []
#   related_checkov:
#     CKV_AWS_119: checkov requires a customer-managed KMS key (kms_key_arn); soc2gate accepts the AWS managed key
#   kics: [ce089fd4-1406-47bd-8aad-c259772bb294]
#   remediation: |
#     resource "aws_dynamodb_table" "orders" {
#       name         = "orders"
#       billing_mode = "PAY_PER_REQUEST"
#       hash_key     = "id"
#       attribute {
#         name = "id"
#         type = "S"
#       }
#       server_side_encryption {
#         enabled     = true
#         kms_key_arn = aws_kms_key.dynamodb.arn
#       }
#     }
package soc2gate.policies.terraform.aws_dynamodb_kms_encryption

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "server_side_encryption.enabled", "table does not use KMS encryption: add server_side_encryption { enabled = true }") if {
	some r in tf.resources("aws_dynamodb_table")
	not tf.is_true(object.get(tf.block(r.attributes, "server_side_encryption"), "enabled", null))
}
