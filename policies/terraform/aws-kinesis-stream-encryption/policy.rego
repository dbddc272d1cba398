# METADATA
# title: Kinesis data streams are encrypted with KMS
# description: >-
#   aws_kinesis_stream must set encryption_type = KMS (the default NONE stores records
#   unencrypted) together with a kms_key_id.
# custom:
#   id: TF-016
#   severity: medium
#   resource_types: [aws_kinesis_stream]
#   controls:
#     CC6.1: Encryption at rest is a logical access safeguard over stored information.
#     C1.1: Confidential information at rest is protected from disclosure.
#   checkov: [CKV_AWS_43]
#   kics: [862fe4bf-3eec-4767-a517-40f378886b88]
#   related_kics:
#     5c6dd5e7-1fe0-4cae-8f81-4c122717cef3: judged on aws_kinesis_firehose_delivery_stream; soc2gate judges aws_kinesis_stream
#   remediation: |
#     resource "aws_kinesis_stream" "events" {
#       name            = "events"
#       shard_count     = 1
#       encryption_type = "KMS"
#       kms_key_id      = "alias/aws/kinesis"
#     }
package soc2gate.policies.terraform.aws_kinesis_stream_encryption

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "encryption_type", "stream is not encrypted: set encryption_type = KMS") if {
	some r in tf.resources("aws_kinesis_stream")
	upper(sprintf("%v", [tf.attr(r, "encryption_type")])) != "KMS"
}

deny contains tf.fail(r, "kms_key_id", "stream uses KMS encryption without a kms_key_id") if {
	some r in tf.resources("aws_kinesis_stream")
	upper(sprintf("%v", [tf.attr(r, "encryption_type")])) == "KMS"
	not tf.known_set(r, "kms_key_id")
}
