# METADATA
# title: RDS instances run Multi-AZ
# description: >-
#   aws_db_instance must set multi_az = true (default false) so a standby in another zone takes
#   over on failure. Read replicas and Aurora instances (availability comes from the cluster)
#   are not judged.
# custom:
#   id: TF-059
#   severity: low
#   resource_types: [aws_db_instance]
#   controls:
#     A1.2: A standby replica keeps the database available through a zone failure.
#     CC9.1: Infrastructure redundancy mitigates business disruption risk.
#   checkov: []
#   related_checkov:
#     CKV_AWS_157: checkov fails read replicas; soc2gate leaves replicas to their source instance
#   kics: []
#   remediation: |
#     multi_az = true
package soc2gate.policies.terraform.aws_rds_multi_az

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "multi_az", "database runs in a single availability zone: set multi_az = true") if {
	some r in tf.resources("aws_db_instance")
	not tf.is_set(tf.attr(r, "replicate_source_db"))
	not startswith(lower(sprintf("%v", [tf.attr(r, "engine")])), "aurora")
	not tf.is_true(tf.attr(r, "multi_az"))
}
