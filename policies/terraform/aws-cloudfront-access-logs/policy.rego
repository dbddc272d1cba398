# METADATA
# title: CloudFront distributions write access logs
# description: >-
#   aws_cloudfront_distribution must log viewer requests: a logging_config block naming a bucket
#   (standard logging, legacy), or an aws_cloudwatch_log_delivery_source of the configuration with
#   log_type ACCESS_LOGS whose resource_arn is the distribution's ARN (standard logging v2).
#   Without either, no access log is written.
# custom:
#   id: TF-185
#   severity: medium
#   resource_types: [aws_cloudfront_distribution]
#   controls:
#     CC7.2: Security-relevant events are recorded so anomalies can be detected.
#     CC7.3: Recorded events support the evaluation of security incidents.
#   related_checkov:
#     CKV_AWS_86: checkov does not see standard logging v2 (aws_cloudwatch_log_delivery_source)
#   kics: [94690d79-b3b0-43de-b656-84ebef5753e5]
#   remediation: |
#     logging_config {
#       bucket          = aws_s3_bucket.cdn_logs.bucket_domain_name
#       include_cookies = false
#       prefix          = "cdn/"
#     }
package soc2gate.policies.terraform.aws_cloudfront_access_logs

import data.soc2gate.lib.terraform as tf
import rego.v1

delivers_access_logs(r) if {
	some source in tf.links(r, "aws_cloudwatch_log_delivery_source")
	upper(sprintf("%v", [object.get(source.attributes, "log_type", "")])) == "ACCESS_LOGS"
}

deny contains tf.fail(r, "logging_config.bucket", "no access logs: add logging_config { bucket = ... } or a CloudWatch log delivery source") if {
	some r in tf.resources("aws_cloudfront_distribution")
	not delivers_access_logs(r)
	not tf.known_set_in(r, tf.block(r.attributes, "logging_config"), "bucket", "logging_config.bucket")
}
