# METADATA
# title: S3 buckets encrypt data at rest
# description: >-
#   S3 data must be encrypted at rest with a documented algorithm. Since January 2023 Amazon S3
#   encrypts every new object with SSE-S3 when a bucket has no default encryption configuration
#   (mappings/terraform-defaults.yaml), and SSE-S3 meets the CC6.1/C1.1 requirement of
#   encryption at rest: a bucket without a configuration passes. A configuration, inline
#   (provider v3) or a linked aws_s3_bucket_server_side_encryption_configuration (v4+), must
#   name an sse_algorithm the provider documents (AES256, aws:kms, aws:kms:dsse); a rule without
#   one, or any other value (`sse_algorithm = "metallica"`), fails. Requiring customer-managed
#   KMS keys is a stricter, separate choice.
# custom:
#   id: TF-001
#   severity: high
#   resource_types: [aws_s3_bucket]
#   controls:
#     CC6.1: Encryption at rest is a logical access safeguard over stored information.
#     C1.1: Confidential data stored in buckets is protected from disclosure.
#   checkov: [CKV_AWS_19]
#   kics: []
#   remediation: |
#     resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
#       bucket = aws_s3_bucket.this.id
#       rule {
#         apply_server_side_encryption_by_default {
#           sse_algorithm     = "aws:kms"
#           kms_master_key_id = aws_kms_key.this.arn
#         }
#       }
#     }
package soc2gate.policies.terraform.aws_s3_encryption

import data.soc2gate.lib.terraform as tf
import rego.v1

algorithm_path := "rule.apply_server_side_encryption_by_default.sse_algorithm"

inline_path := concat(".", ["server_side_encryption_configuration", algorithm_path])

linked_type := "aws_s3_bucket_server_side_encryption_configuration"

deny contains tf.fail(r, inline_path, message(algorithm)) if {
	some r in tf.resources("aws_s3_bucket")
	some cfg in tf.blocks(r.attributes, "server_side_encryption_configuration")
	some algorithm in algorithms(cfg)
	not tf.allowed("aws_s3_bucket", inline_path, algorithm)
}

deny contains tf.fail(r, sprintf("links.%s", [linked_type]), sprintf("%s (%s)", [message(algorithm), link.address])) if {
	some r in tf.resources("aws_s3_bucket")
	some link in tf.links(r, linked_type)
	not link_unknown(link)
	some algorithm in algorithms(link.attributes)
	not tf.allowed(linked_type, algorithm_path, algorithm)
}

inconclusive contains {"resource": r.id, "path": sprintf("links.%s", [linked_type]), "message": msg, "expression": expression} if {
	some r in tf.resources("aws_s3_bucket")
	some link in tf.links(r, linked_type)
	expression := link.unknown[algorithm_path]
	msg := sprintf("%s: the encryption algorithm of %s is not known", [r.address, link.address])
}

link_unknown(link) if object.get(object.get(link, "unknown", {}), algorithm_path, null) != null

# The sse_algorithm of every rule (null when a rule names none).
algorithms(cfg) := [object.get(d, "sse_algorithm", null) |
	some rule in tf.blocks(cfg, "rule")
	some d in default_blocks(rule)
]

default_blocks(rule) := tf.blocks(rule, "apply_server_side_encryption_by_default") if {
	count(tf.blocks(rule, "apply_server_side_encryption_by_default")) > 0
} else := [{}]

message(null) := "the encryption configuration names no sse_algorithm"

message(algorithm) := sprintf("sse_algorithm %q is not a documented S3 algorithm (AES256, aws:kms, aws:kms:dsse)", [algorithm]) if {
	algorithm != null
}
