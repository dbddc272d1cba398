# METADATA
# title: EBS encryption by default is not disabled
# description: >-
#   aws_ebs_encryption_by_default turns on account-level (per region) encryption of every new
#   EBS volume and snapshot copy. The resource must not set enabled = false (its default is
#   true).
# custom:
#   id: TF-004
#   severity: medium
#   resource_types: [aws_ebs_encryption_by_default]
#   controls:
#     CC6.1: Encryption at rest is a logical access safeguard over stored information.
#     C1.1: Confidential information at rest is protected from disclosure.
#   inconclusive_if_unknown: [enabled]
#   checkov: [CKV_AWS_106]
#   kics: [3d3f6270-546b-443c-adb4-bb6fb2187ca6]
#   remediation: |
#     resource "aws_ebs_encryption_by_default" "this" {
#       enabled = true
#     }
package soc2gate.policies.terraform.aws_ebs_default_encryption

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "enabled", "EBS encryption by default is disabled") if {
	some r in tf.resources("aws_ebs_encryption_by_default")
	tf.is_false(tf.attr(r, "enabled"))
}
