# METADATA
# title: ElastiCache replication groups encrypt data at rest
# description: >-
#   aws_elasticache_replication_group must set at_rest_encryption_enabled = true (provider
#   default false before v6; it cannot be changed in place on older engines).
# custom:
#   id: TF-015
#   severity: high
#   resource_types: [aws_elasticache_replication_group]
#   controls:
#     CC6.1: Encryption at rest is a logical access safeguard over stored information.
#     C1.1: Confidential information at rest is protected from disclosure.
#   checkov: [CKV_AWS_29]
#   kics: [76976de7-c7b1-4f64-a94f-90c1345914c2]
#   remediation: |
#     resource "aws_elasticache_replication_group" "cache" {
#       replication_group_id       = "cache"
#       description                = "session cache"
#       at_rest_encryption_enabled = true
#       transit_encryption_enabled = true
#     }
package soc2gate.policies.terraform.aws_elasticache_encryption_at_rest

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "at_rest_encryption_enabled", "replication group does not encrypt data at rest: set at_rest_encryption_enabled = true") if {
	some r in tf.resources("aws_elasticache_replication_group")
	not tf.is_true(tf.attr(r, "at_rest_encryption_enabled"))
}
