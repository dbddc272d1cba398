# METADATA
# title: CloudTrail trails are logging
# description: >-
#   aws_cloudtrail must not set enable_logging = false, which creates the trail but stops it from
#   recording events. The provider default is true.
# custom:
#   id: TF-181
#   severity: high
#   resource_types: [aws_cloudtrail]
#   controls:
#     CC7.2: Security-relevant events are recorded so anomalies can be detected.
#     CC7.3: Recorded events support the evaluation of security incidents.
#     CC4.1: Ongoing evaluation of controls relies on a complete audit trail.
#   inconclusive_if_unknown: [enable_logging]
#   checkov: [CKV_AWS_251]
#   kics: [4bb76f17-3d63-4529-bdca-2b454529d774]
#   remediation: |
#     resource "aws_cloudtrail" "main" {
#       name           = "main"
#       s3_bucket_name = aws_s3_bucket.trail.id
#       enable_logging = true
#     }
package soc2gate.policies.terraform.aws_cloudtrail_logging_enabled

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "enable_logging", "the trail does not record events: remove enable_logging = false") if {
	some r in tf.resources("aws_cloudtrail")
	tf.is_false(tf.attr(r, "enable_logging"))
}
