# METADATA
# title: SQS queues are encrypted at rest
# description: >-
#   aws_sqs_queue must use server-side encryption: either kms_master_key_id (SSE-KMS) or
#   sqs_managed_sse_enabled = true (SSE-SQS). AWS enables SSE-SQS on new queues created without
#   either setting, but the configuration should state it so drift (sqs_managed_sse_enabled =
#   false) is visible; queues with neither setting fail.
# custom:
#   id: TF-010
#   severity: medium
#   resource_types: [aws_sqs_queue]
#   controls:
#     CC6.1: Encryption at rest is a logical access safeguard over stored information.
#     C1.1: Confidential information at rest is protected from disclosure.
#   checkov: [CKV_AWS_27]
#   kics: [6e8849c1-3aa7-40e3-9063-b85ee300f29f]
#   remediation: |
#     resource "aws_sqs_queue" "jobs" {
#       name                    = "jobs"
#       sqs_managed_sse_enabled = true
#     }
package soc2gate.policies.terraform.aws_sqs_encryption

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "sqs_managed_sse_enabled", "SQS queue is not encrypted: set kms_master_key_id or sqs_managed_sse_enabled = true") if {
	some r in tf.resources("aws_sqs_queue")
	not tf.is_set(tf.attr(r, "kms_master_key_id"))
	not tf.is_true(tf.attr(r, "sqs_managed_sse_enabled"))
}

# A key that may turn out null (an unset variable, a module output) does not make the queue encrypted.
deny contains tf.fail(r, "kms_master_key_id", "SQS queue is encrypted only if kms_master_key_id is set") if {
	some r in tf.resources("aws_sqs_queue")
	tf.is_set(tf.attr(r, "kms_master_key_id"))
	not tf.known_set(r, "kms_master_key_id")
	not tf.is_true(tf.attr(r, "sqs_managed_sse_enabled"))
}
