# METADATA
# title: CloudFront distributions require HTTPS from viewers
# description: >-
#   Every default_cache_behavior and ordered_cache_behavior of aws_cloudfront_distribution must
#   set viewer_protocol_policy to https-only or redirect-to-https; allow-all serves content over
#   plain HTTP.
# custom:
#   id: TF-021
#   severity: high
#   resource_types: [aws_cloudfront_distribution]
#   controls:
#     CC6.7: Content and session data are encrypted in transit to viewers.
#     CC6.1: Cookies and tokens are not exposed over unencrypted connections.
#   inconclusive_if_unknown: [default_cache_behavior.viewer_protocol_policy, ordered_cache_behavior.viewer_protocol_policy]
#   checkov: [CKV_AWS_34]
#   kics: [55af1353-2f62-4fa0-a8e1-a210ca2708f5]
#   remediation: |
#     default_cache_behavior {
#       target_origin_id       = "web"
#       allowed_methods        = ["GET", "HEAD"]
#       cached_methods         = ["GET", "HEAD"]
#       viewer_protocol_policy = "redirect-to-https"
#     }
package soc2gate.policies.terraform.aws_cloudfront_viewer_https

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, sprintf("%s.viewer_protocol_policy", [name]), sprintf("%s allows plain HTTP (viewer_protocol_policy = %v)", [name, b.viewer_protocol_policy])) if {
	some r in tf.resources("aws_cloudfront_distribution")
	some name in ["default_cache_behavior", "ordered_cache_behavior"]
	some b in tf.blocks(r.attributes, name)
	not object.get(b, "viewer_protocol_policy", "") in {"https-only", "redirect-to-https"}
	tf.is_set(object.get(b, "viewer_protocol_policy", null))
}
