# METADATA
# title: ElastiCache replication groups encrypt data in transit
# description: >-
#   aws_elasticache_replication_group must set transit_encryption_enabled = true so clients and
#   replicas talk TLS (default false).
# custom:
#   id: TF-025
#   severity: high
#   resource_types: [aws_elasticache_replication_group]
#   controls:
#     CC6.1: Encrypted channels keep credentials and data from being read on the network.
#     CC6.7: Information is protected during transmission over networks.
#   checkov: [CKV_AWS_30]
#   kics: [1afbb3fa-cf6c-4a3d-b730-95e9f4df343e]
#   remediation: |
#     resource "aws_elasticache_replication_group" "cache" {
#       replication_group_id       = "cache"
#       description                = "session cache"
#       transit_encryption_enabled = true
#       auth_token                 = var.redis_auth_token
#     }
package soc2gate.policies.terraform.aws_elasticache_encryption_in_transit

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "transit_encryption_enabled", "replication group does not encrypt traffic: set transit_encryption_enabled = true") if {
	some r in tf.resources("aws_elasticache_replication_group")
	not tf.is_true(tf.attr(r, "transit_encryption_enabled"))
}
