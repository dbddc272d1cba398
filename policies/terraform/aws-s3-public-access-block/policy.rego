# METADATA
# title: S3 buckets are covered by a public access block with all four settings on
# description: >-
#   Every aws_s3_bucket needs a linked aws_s3_bucket_public_access_block, or an
#   aws_s3_account_public_access_block in the same configuration; each block must set
#   block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets to
#   true (each defaults to false). A weak block is reported on the block resource itself.
# custom:
#   id: TF-027
#   severity: high
#   resource_types: [aws_s3_bucket, aws_s3_bucket_public_access_block, aws_s3_account_public_access_block]
#   controls:
#     CC6.1: Logical access to the resource is restricted to authorized users.
#     CC6.6: The system boundary blocks access from outside sources that are not authorized.
#     C1.1: Confidential objects cannot be exposed by a later ACL or bucket policy mistake.
#   checkov: [CKV2_AWS_6, CKV_AWS_53, CKV_AWS_54, CKV_AWS_55, CKV_AWS_56]
#   kics: []
#   related_kics:
#     1ec253ab-c220-4d63-b2de-5b40e0af9293: each KICS query checks one of the four flags, on the block or the s3-bucket module; soc2gate requires all four together and also accepts an account-level block
#     4fa66806-0dd9-4f8d-9480-3174d39c7c91: each KICS query checks one of the four flags, on the block or the s3-bucket module; soc2gate requires all four together and also accepts an account-level block
#     d0cc8694-fcad-43ff-ac86-32331d7e867f: each KICS query checks one of the four flags, on the block or the s3-bucket module; soc2gate requires all four together and also accepts an account-level block
#     1a4bc881-9f69-4d44-8c9a-d37d08f54c50: each KICS query checks one of the four flags, on the block or the s3-bucket module; soc2gate requires all four together and also accepts an account-level block
#   remediation: |
#     resource "aws_s3_bucket_public_access_block" "data" {
#       bucket                  = aws_s3_bucket.data.id
#       block_public_acls       = true
#       block_public_policy     = true
#       ignore_public_acls      = true
#       restrict_public_buckets = true
#     }
package soc2gate.policies.terraform.aws_s3_public_access_block

import data.soc2gate.lib.terraform as tf
import rego.v1

flags := ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]

all_true(attrs) if {
	every f in flags {
		tf.is_true(object.get(attrs, f, null))
	}
}

account_blocked if {
	some a in tf.resources("aws_s3_account_public_access_block")
	all_true(a.attributes)
}

deny contains tf.fail(r, "links.aws_s3_bucket_public_access_block", "bucket has no public access block (aws_s3_bucket_public_access_block or an account-level block)") if {
	some r in tf.resources("aws_s3_bucket")
	count(tf.links(r, "aws_s3_bucket_public_access_block")) == 0
	not account_blocked
}

deny contains tf.fail(r, f, sprintf("public access block does not set %s = true", [f])) if {
	some r in tf.resources_of(["aws_s3_bucket_public_access_block", "aws_s3_account_public_access_block"])
	some f in flags
	not tf.is_true(object.get(r.attributes, f, null))
}
