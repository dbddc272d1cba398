# METADATA
# title: S3 buckets have versioning enabled
# description: >-
#   Every aws_s3_bucket needs versioning { enabled = true } inline (provider v3) or a linked
#   aws_s3_bucket_versioning with versioning_configuration { status = "Enabled" } (v4+), so
#   overwritten or deleted objects can be recovered.
# custom:
#   id: TF-056
#   severity: medium
#   resource_types: [aws_s3_bucket]
#   controls:
#     A1.2: Backup and recovery infrastructure protects against data loss.
#     CC7.4: Recovery capability supports the response to incidents that destroy or corrupt data.
#     C1.2: Object versions keep deletion of confidential data deliberate and recoverable.
#   checkov: [CKV_AWS_21]
#   kics: [568a4d22-3517-44a6-a7ad-6a7eed88722c]
#   remediation: |
#     resource "aws_s3_bucket_versioning" "data" {
#       bucket = aws_s3_bucket.data.id
#       versioning_configuration {
#         status = "Enabled"
#       }
#     }
package soc2gate.policies.terraform.aws_s3_versioning

import data.soc2gate.lib.terraform as tf
import rego.v1

versioned(r) if {
	some v in tf.blocks(r.attributes, "versioning")
	tf.is_true(object.get(v, "enabled", null))
}

versioned(r) if {
	some l in tf.links(r, "aws_s3_bucket_versioning")
	some c in tf.blocks(l.attributes, "versioning_configuration")
	c.status == "Enabled"
}

unresolved_link(r) if {
	some l in tf.links(r, "aws_s3_bucket_versioning")
	some c in tf.blocks(l.attributes, "versioning_configuration")
	contains(sprintf("%v", [object.get(c, "status", "")]), "${")
}

deny contains tf.fail(r, "links.aws_s3_bucket_versioning", "bucket versioning is not enabled") if {
	some r in tf.resources("aws_s3_bucket")
	not versioned(r)
	not unresolved_link(r)
	count(tf.blocks(r.attributes, "versioning")) == 0
	count(tf.links(r, "aws_s3_bucket_versioning")) == 0
}

# Reported on the bucket, at the line of the aws_s3_bucket_versioning that leaves it unversioned.
deny contains tf.fail_at(r, "links.aws_s3_bucket_versioning", sprintf("bucket versioning is not enabled by %s", [l.address]), l.line) if {
	some r in tf.resources("aws_s3_bucket")
	not versioned(r)
	not unresolved_link(r)
	count(tf.blocks(r.attributes, "versioning")) == 0
	some l in tf.links(r, "aws_s3_bucket_versioning")
}

inconclusive contains {"resource": r.id, "path": "links.aws_s3_bucket_versioning", "message": sprintf("%s: versioning status of the linked aws_s3_bucket_versioning is unresolved", [r.address]), "expression": "versioning_configuration.status"} if {
	some r in tf.resources("aws_s3_bucket")
	not versioned(r)
	unresolved_link(r)
}

deny contains tf.fail(r, "versioning.enabled", "bucket versioning is not enabled") if {
	some r in tf.resources("aws_s3_bucket")
	not versioned(r)
	count(tf.blocks(r.attributes, "versioning")) > 0
}
