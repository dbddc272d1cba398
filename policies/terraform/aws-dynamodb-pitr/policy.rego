# METADATA
# title: DynamoDB tables have point-in-time recovery
# description: >-
#   aws_dynamodb_table must have point_in_time_recovery { enabled = true } (default off),
#   allowing restores to any second of the last 35 days.
# custom:
#   id: TF-060
#   severity: medium
#   resource_types: [aws_dynamodb_table]
#   controls:
#     A1.2: Backup and recovery infrastructure protects against data loss.
#     CC7.4: Recovery capability supports the response to incidents that destroy or corrupt data.
#     PI1.5: Stored data can be restored to a recent point in time.
#   checkov: [CKV_AWS_28]
#   kics: [741f1291-47ac-4a85-a07b-3d32a9d6bd3e]
#   remediation: |
#     point_in_time_recovery {
#       enabled = true
#     }
package soc2gate.policies.terraform.aws_dynamodb_pitr

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "point_in_time_recovery.enabled", "point-in-time recovery is off: add point_in_time_recovery { enabled = true }") if {
	some r in tf.resources_of(["aws_dynamodb_table"])
	not tf.is_true(object.get(tf.block(r.attributes, "point_in_time_recovery"), "enabled", null))
}
