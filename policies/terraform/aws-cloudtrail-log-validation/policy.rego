# METADATA
# title: CloudTrail log file validation is enabled
# description: >-
#   aws_cloudtrail must set enable_log_file_validation = true (default false) so digest files
#   prove logs were not altered.
# custom:
#   id: TF-046
#   severity: medium
#   resource_types: [aws_cloudtrail]
#   controls:
#     CC7.3: Tamper-evident logs can be relied on when evaluating incidents.
#     CC7.2: Integrity of audit records supports anomaly detection.
#   checkov: [CKV_AWS_36]
#   kics: [52ffcfa6-6c70-4ea6-8376-d828d3961669]
#   remediation: |
#     resource "aws_cloudtrail" "main" {
#       name                       = "main"
#       s3_bucket_name             = aws_s3_bucket.trail.id
#       enable_log_file_validation = true
#     }
package soc2gate.policies.terraform.aws_cloudtrail_log_validation

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "enable_log_file_validation", "trail does not validate log files: set enable_log_file_validation = true") if {
	some r in tf.resources_of(["aws_cloudtrail"])
	not tf.is_true(tf.attr(r, "enable_log_file_validation"))
}
