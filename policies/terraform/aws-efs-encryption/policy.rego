# METADATA
# title: EFS file systems are encrypted at rest
# description: >-
#   aws_efs_file_system must set encrypted = true; the provider default is false and encryption
#   cannot be turned on after creation.
# custom:
#   id: TF-008
#   severity: high
#   resource_types: [aws_efs_file_system]
#   controls:
#     CC6.1: Encryption at rest is a logical access safeguard over stored information.
#     C1.1: Confidential information at rest is protected from disclosure.
#   checkov: [CKV_AWS_42]
#   kics: [48207659-729f-4b5c-9402-f884257d794f]
#   remediation: |
#     resource "aws_efs_file_system" "shared" {
#       encrypted  = true
#       kms_key_id = aws_kms_key.efs.arn
#     }
package soc2gate.policies.terraform.aws_efs_encryption

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "encrypted", "EFS file system is not encrypted: set encrypted = true") if {
	some r in tf.resources("aws_efs_file_system")
	not tf.is_true(tf.attr(r, "encrypted"))
}
