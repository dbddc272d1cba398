# METADATA
# title: S3 buckets encrypt data at rest
# description: >-
#   Every S3 bucket must declare default server-side encryption, inline (provider v3) or through
#   a linked aws_s3_bucket_server_side_encryption_configuration (v4+), naming an sse_algorithm
#   the provider documents (AES256, aws:kms, aws:kms:dsse); a rule without one, or any other
#   value (`sse_algorithm = "metallica"`), fails. Since January 2023 S3 encrypts new objects with
#   SSE-S3 when nothing is declared (mappings/terraform-defaults.yaml records it), but this
#   policy deliberately sits on the stricter side: CC6.1/C1.1 evidence is a reviewed control in
#   the configuration, and an undeclared service default is neither reviewed nor able to
#   require KMS keys. Requiring customer-managed keys is a separate, stricter choice.
# custom:
#   id: TF-001
#   severity: high
#   resource_types: [aws_s3_bucket]
#   controls:
#     CC6.1: Encryption at rest is a logical access safeguard over stored information.
#     C1.1: Confidential data stored in buckets is protected from disclosure.
#   checkov: []
#   related_checkov:
#     CKV_AWS_19: checkov accepts a bucket that declares no encryption (the SSE-S3 service default) and rejects aws:kms:dsse; soc2gate requires a declared, documented algorithm
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

deny contains tf.fail(r, "server_side_encryption_configuration", "bucket declares no default server-side encryption (the SSE-S3 service default is not a reviewed control)") if {
	some r in tf.resources("aws_s3_bucket")
	count(tf.blocks(r.attributes, "server_side_encryption_configuration")) == 0
	count(tf.links(r, linked_type)) == 0
	not tf.unknown(r, sprintf("links.%s", [linked_type]))
}

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

message(algorithm) := sprintf("sse_algorithm \"%v\" is not a documented S3 algorithm (AES256, aws:kms, aws:kms:dsse)", [algorithm]) if {
	algorithm != null
}

inconclusive contains {"resource": r.id, "path": key, "message": msg, "expression": r.unknown[key]} if {
	some r in tf.resources("aws_s3_bucket")
	count(tf.blocks(r.attributes, "server_side_encryption_configuration")) == 0
	count(tf.links(r, linked_type)) == 0
	key := sprintf("links.%s", [linked_type])
	tf.unknown(r, key)
	msg := sprintf("%s: an encryption configuration names its bucket through an unresolved value", [r.address])
}
