# METADATA
# title: Neptune clusters encrypt storage at rest
# description: >-
#   aws_neptune_cluster must set storage_encrypted = true (the provider default is false; a
#   kms_key_arn alone is rejected without it). Encryption can only be chosen when the cluster is
#   created.
# custom:
#   id: TF-175
#   severity: high
#   resource_types: [aws_neptune_cluster]
#   controls:
#     CC6.1: Encryption at rest is a logical access safeguard over stored information.
#     C1.1: Confidential information at rest is protected from disclosure.
#   checkov: [CKV_AWS_44]
#   kics: [98d59056-f745-4ef5-8613-32bca8d40b7e]
#   remediation: |
#     resource "aws_neptune_cluster" "graph" {
#       cluster_identifier = "graph"
#       storage_encrypted  = true
#       kms_key_arn        = aws_kms_key.neptune.arn
#     }
package soc2gate.policies.terraform.aws_neptune_encryption

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "storage_encrypted", "Neptune storage is not encrypted: set storage_encrypted = true") if {
	some r in tf.resources("aws_neptune_cluster")
	not tf.is_true(tf.attr(r, "storage_encrypted"))
}
