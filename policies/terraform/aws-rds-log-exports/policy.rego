# METADATA
# title: RDS instances export database logs to CloudWatch
# description: >-
#   aws_db_instance must list at least one log type in enabled_cloudwatch_logs_exports (for
#   example postgresql, audit, error, general); none are exported by default.
# custom:
#   id: TF-052
#   severity: low
#   resource_types: [aws_db_instance]
#   controls:
#     CC7.2: Security-relevant events are recorded so anomalies can be detected.
#     CC7.3: Recorded events support the evaluation of security incidents.
#   checkov: [CKV_AWS_129]
#   kics: [8d7f7b8c-6c7c-40f8-baa6-62006c6c7b56]
#   remediation: |
#     enabled_cloudwatch_logs_exports = ["postgresql", "upgrade"]
package soc2gate.policies.terraform.aws_rds_log_exports

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "enabled_cloudwatch_logs_exports", "database exports no logs: set enabled_cloudwatch_logs_exports") if {
	some r in tf.resources("aws_db_instance")
	not tf.is_set(tf.attr(r, "enabled_cloudwatch_logs_exports"))
}
