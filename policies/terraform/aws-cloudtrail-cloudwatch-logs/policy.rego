# METADATA
# title: CloudTrail trails deliver events to CloudWatch Logs
# description: >-
#   aws_cloudtrail must set cloud_watch_logs_group_arn (and cloud_watch_logs_role_arn) so events
#   can drive metric filters and alarms in near real time.
# custom:
#   id: TF-047
#   severity: low
#   resource_types: [aws_cloudtrail]
#   controls:
#     CC7.2: Security-relevant events are recorded so anomalies can be detected.
#     CC7.3: Recorded events support the evaluation of security incidents.
#     A1.2: Monitored trail data supports recovery decisions.
#   checkov: [CKV2_AWS_10]
#   kics: [17b30f8f-8dfb-4597-adf6-57600b6cf25e]
#   remediation: |
#     resource "aws_cloudtrail" "main" {
#       name                       = "main"
#       s3_bucket_name             = aws_s3_bucket.trail.id
#       cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.trail.arn}:*"
#       cloud_watch_logs_role_arn  = aws_iam_role.trail.arn
#     }
package soc2gate.policies.terraform.aws_cloudtrail_cloudwatch_logs

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "cloud_watch_logs_group_arn", "trail is not integrated with CloudWatch Logs: set cloud_watch_logs_group_arn") if {
	some r in tf.resources("aws_cloudtrail")
	not tf.is_set(tf.attr(r, "cloud_watch_logs_group_arn"))
}
