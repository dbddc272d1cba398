# METADATA
# title: Redshift clusters are encrypted at rest
# description: >-
#   aws_redshift_cluster must set encrypted = true (a kms_key_id alone is not enough for
#   provider versions before 6, whose default for encrypted is false).
# custom:
#   id: TF-014
#   severity: high
#   resource_types: [aws_redshift_cluster]
#   controls:
#     CC6.1: Encryption at rest is a logical access safeguard over stored information.
#     C1.1: Confidential information at rest is protected from disclosure.
#   checkov: [CKV_AWS_64]
#   kics: [cfdcabb0-fc06-427c-865b-c59f13e898ce]
#   remediation: |
#     resource "aws_redshift_cluster" "dw" {
#       cluster_identifier = "dw"
#       node_type          = "ra3.xlplus"
#       encrypted          = true
#       kms_key_id         = aws_kms_key.redshift.arn
#     }
package soc2gate.policies.terraform.aws_redshift_encryption

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "encrypted", "Redshift cluster is not encrypted: set encrypted = true") if {
	some r in tf.resources("aws_redshift_cluster")
	not tf.is_true(tf.attr(r, "encrypted"))
}
