# METADATA
# title: RDS instances and clusters have deletion protection
# description: >-
#   aws_db_instance and aws_rds_cluster must set deletion_protection = true (default false) so a
#   plan cannot destroy the database.
# custom:
#   id: TF-058
#   severity: medium
#   resource_types: [aws_db_instance, aws_rds_cluster]
#   controls:
#     A1.2: Backup and recovery infrastructure protects against data loss.
#     CC7.4: Recovery capability supports the response to incidents that destroy or corrupt data.
#     C1.1: Confidential data stores are protected against accidental destruction.
#   checkov: [CKV_AWS_293, CKV_AWS_139]
#   kics: []
#   remediation: |
#     deletion_protection = true
package soc2gate.policies.terraform.aws_rds_deletion_protection

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "deletion_protection", "deletion protection is off: set deletion_protection = true") if {
	some r in tf.resources_of(["aws_db_instance", "aws_rds_cluster"])
	not tf.is_true(tf.attr(r, "deletion_protection"))
}
