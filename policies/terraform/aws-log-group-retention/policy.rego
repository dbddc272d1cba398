# METADATA
# title: CloudWatch log groups keep logs for at least a year
# description: >-
#   aws_cloudwatch_log_group must set retention_in_days explicitly, to 0 (never expire) or at
#   least 365. The one-year floor is fixed (SOC 2 audit periods are usually twelve months); an
#   unset retention is reported so the retention decision is documented in code.
# custom:
#   id: TF-053
#   severity: low
#   resource_types: [aws_cloudwatch_log_group]
#   controls:
#     CC7.2: Security-relevant events are recorded so anomalies can be detected.
#     CC7.3: Recorded events support the evaluation of security incidents.
#     C1.2: A defined retention period governs when log data is disposed of.
#   checkov: [CKV_AWS_338]
#   related_checkov:
#     CKV_AWS_66: checkov only needs retention_in_days to be set; soc2gate requires a retention of at least a year (or never expiring)
#   kics: []
#   related_kics:
#     ef0b316a-211e-42f1-888e-64efe172b755: KICS only needs retention_in_days to be set; soc2gate requires at least a year
#   remediation: |
#     resource "aws_cloudwatch_log_group" "app" {
#       name              = "/app/api"
#       retention_in_days = 365
#     }
package soc2gate.policies.terraform.aws_log_group_retention

import data.soc2gate.lib.terraform as tf
import rego.v1

num(x) := to_number(x) if regex.match(`^-?[0-9]+$`, sprintf("%v", [x]))

deny contains tf.fail(r, "retention_in_days", "log group has no explicit retention: set retention_in_days = 365 or more") if {
	some r in tf.resources("aws_cloudwatch_log_group")
	tf.attr(r, "retention_in_days") == null
}

deny contains tf.fail(r, "retention_in_days", sprintf("log group keeps logs only %v days (needs 365 or more)", [r.attributes.retention_in_days])) if {
	some r in tf.resources("aws_cloudwatch_log_group")
	v := tf.attr(r, "retention_in_days")
	v != null
	not num(v) == 0
	not num(v) >= 365
}
