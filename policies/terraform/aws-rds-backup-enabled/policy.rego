# METADATA
# title: RDS instances keep automated backups
# description: >-
#   aws_db_instance must not set backup_retention_period = 0, which disables automated backups
#   and point-in-time recovery. When unset, RDS applies its API default of one day, which
#   passes. Read replicas (replicate_source_db) are not judged.
# custom:
#   id: TF-057
#   severity: high
#   resource_types: [aws_db_instance]
#   controls:
#     A1.2: Backup and recovery infrastructure protects against data loss.
#     CC7.4: Recovery capability supports the response to incidents that destroy or corrupt data.
#     PI1.5: Stored data can be restored to a recent point in time.
#   inconclusive_if_unknown: [backup_retention_period]
#   checkov: [CKV_AWS_133]
#   kics: []
#   related_kics:
#     1dc73fb4-5b51-430c-8c5f-25dcf9090b02: KICS also fails an absent backup_retention_period; soc2gate applies the RDS API default of one day
#     e542bd46-58c4-4e0f-a52a-1fb4f9548e02: judged on aws_rds_cluster, whose retention cannot be below one day; soc2gate judges DB instances
#   remediation: |
#     backup_retention_period = 14
package soc2gate.policies.terraform.aws_rds_backup_enabled

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "backup_retention_period", "automated backups are disabled (backup_retention_period = 0)") if {
	some r in tf.resources("aws_db_instance")
	not tf.is_set(tf.attr(r, "replicate_source_db"))
	sprintf("%v", [tf.attr(r, "backup_retention_period")]) == "0"
}
