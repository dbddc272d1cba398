# METADATA
# title: CloudFront distributions require TLS 1.2 or later
# description: >-
#   aws_cloudfront_distribution must have a viewer_certificate with minimum_protocol_version
#   TLSv1.2_2018 or newer. The default CloudFront certificate (cloudfront_default_certificate =
#   true) always permits TLS 1.0, and an unset minimum_protocol_version means TLSv1.
# custom:
#   id: TF-022
#   severity: medium
#   resource_types: [aws_cloudfront_distribution]
#   controls:
#     CC6.7: Transmission uses protocol versions without known weaknesses.
#     CC6.1: Weak TLS versions would let attackers downgrade and read traffic.
#   checkov: [CKV_AWS_174]
#   kics: [00e5e55e-c2ff-46b3-a757-a7a1cd802456]
#   remediation: |
#     viewer_certificate {
#       acm_certificate_arn      = aws_acm_certificate.cdn.arn
#       ssl_support_method       = "sni-only"
#       minimum_protocol_version = "TLSv1.2_2021"
#     }
package soc2gate.policies.terraform.aws_cloudfront_minimum_tls

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "viewer_certificate", "distribution has no viewer_certificate with a TLS 1.2 minimum") if {
	some r in tf.resources("aws_cloudfront_distribution")
	count(tf.blocks(r.attributes, "viewer_certificate")) == 0
}

deny contains tf.fail(r, "viewer_certificate.cloudfront_default_certificate", "the default CloudFront certificate accepts TLS 1.0: use an ACM certificate with minimum_protocol_version TLSv1.2_2021") if {
	some r in tf.resources("aws_cloudfront_distribution")
	tf.is_true(object.get(tf.block(r.attributes, "viewer_certificate"), "cloudfront_default_certificate", null))
}

deny contains tf.fail(r, "viewer_certificate.minimum_protocol_version", sprintf("minimum TLS version is below 1.2 (%v)", [object.get(c, "minimum_protocol_version", "unset: TLSv1")])) if {
	some r in tf.resources("aws_cloudfront_distribution")
	c := tf.block(r.attributes, "viewer_certificate")
	c != {}
	not tf.is_true(object.get(c, "cloudfront_default_certificate", null))
	not startswith(sprintf("%v", [object.get(c, "minimum_protocol_version", "")]), "TLSv1.2_")
	not startswith(sprintf("%v", [object.get(c, "minimum_protocol_version", "")]), "TLSv1.3")
}
