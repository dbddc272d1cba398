# METADATA
# title: CloudTrail trails record all regions
# description: >-
#   aws_cloudtrail must set is_multi_region_trail = true (default false) and must not set
#   include_global_service_events = false, so activity in every region and of global services
#   (IAM, STS) is recorded.
# custom:
#   id: TF-045
#   severity: medium
#   resource_types: [aws_cloudtrail]
#   controls:
#     CC7.2: Security-relevant events are recorded so anomalies can be detected.
#     CC7.3: Recorded events support the evaluation of security incidents.
#     CC2.1: Complete audit information is available for monitoring controls.
#   checkov: [CKV_AWS_67]
#   kics: [8173d5eb-96b5-4aa6-a71b-ecfa153c123d]
#   remediation: |
#     resource "aws_cloudtrail" "main" {
#       name                  = "main"
#       s3_bucket_name        = aws_s3_bucket.trail.id
#       is_multi_region_trail = true
#     }
package soc2gate.policies.terraform.aws_cloudtrail_multi_region

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "is_multi_region_trail", "trail records only its home region: set is_multi_region_trail = true") if {
	some r in tf.resources_of(["aws_cloudtrail"])
	not tf.is_true(tf.attr(r, "is_multi_region_trail"))
}

deny contains tf.fail(r, "include_global_service_events", "trail skips global service events (IAM, STS): remove include_global_service_events = false") if {
	some r in tf.resources("aws_cloudtrail")
	tf.is_false(tf.attr(r, "include_global_service_events"))
}
