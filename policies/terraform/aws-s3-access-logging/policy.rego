# METADATA
# title: S3 buckets have server access logging
# description: >-
#   Every aws_s3_bucket needs an inline logging block (provider v3) or a linked
#   aws_s3_bucket_logging (v4+) with a target_bucket. Buckets that are themselves log targets
#   (named as target_bucket by another bucket's logging in the same module) are exempt, to avoid
#   logging loops.
# custom:
#   id: TF-049
#   severity: low
#   resource_types: [aws_s3_bucket]
#   controls:
#     CC7.2: Security-relevant events are recorded so anomalies can be detected.
#     CC7.3: Recorded events support the evaluation of security incidents.
#     CC6.1: Object-level access is recorded for review of who read or changed data.
#   checkov: [CKV_AWS_18]
#   kics: [f861041c-8c9f-4156-acfc-5e6e524f5884]
#   remediation: |
#     resource "aws_s3_bucket_logging" "data" {
#       bucket        = aws_s3_bucket.data.id
#       target_bucket = aws_s3_bucket.logs.id
#       target_prefix = "data/"
#     }
package soc2gate.policies.terraform.aws_s3_access_logging

import data.soc2gate.lib.terraform as tf
import rego.v1

logged(r) if {
	some l in tf.blocks(r.attributes, "logging")
	tf.is_set(object.get(l, "target_bucket", null))
}

logged(r) if {
	some l in tf.links(r, "aws_s3_bucket_logging")
	tf.is_set(object.get(l.attributes, "target_bucket", null))
}

# Names and references other buckets use as their log target.
targets contains t if {
	some b in tf.resources("aws_s3_bucket")
	some l in tf.blocks(b.attributes, "logging")
	t := l.target_bucket
}

targets contains t if {
	some l in tf.resources("aws_s3_bucket_logging")
	t := l.attributes.target_bucket
}

log_target(r) if tf.attr(r, "bucket") in targets

log_target(r) if {
	some t in targets
	is_string(t)
	startswith(t, sprintf("${aws_s3_bucket.%s.", [r.name]))
}

deny contains tf.fail(r, "links.aws_s3_bucket_logging", "bucket has no server access logging") if {
	some r in tf.resources("aws_s3_bucket")
	not logged(r)
	not log_target(r)
}
