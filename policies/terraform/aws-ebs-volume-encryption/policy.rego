# METADATA
# title: EBS volumes are encrypted at rest
# description: >-
#   An aws_ebs_volume must set encrypted = true. The provider default is false (unless the
#   account has EBS encryption by default, which a volume should not silently rely on). A volume
#   whose encrypted value is an unresolved variable is inconclusive.
# custom:
#   id: TF-002
#   severity: high
#   resource_types: [aws_ebs_volume]
#   controls:
#     CC6.1: Encryption at rest is a logical access safeguard over stored information.
#     C1.1: Confidential information at rest is protected from disclosure.
#   checkov: [CKV_AWS_3]
#   kics: [cc997676-481b-4e93-aa81-d19f8c5e9b12]
#   remediation: |
#     resource "aws_ebs_volume" "data" {
#       availability_zone = "eu-west-1a"
#       size              = 100
#       encrypted         = true
#       kms_key_id        = aws_kms_key.ebs.arn
#     }
package soc2gate.policies.terraform.aws_ebs_volume_encryption

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "encrypted", "EBS volume is not encrypted: set encrypted = true") if {
	some r in tf.resources("aws_ebs_volume")
	not tf.is_true(tf.attr(r, "encrypted"))
}
