# METADATA
# title: RDS DB instances encrypt storage at rest
# description: >-
#   aws_db_instance must set storage_encrypted = true (provider default false); a kms_key_id
#   also implies encryption. Read replicas (replicate_source_db) inherit the source's encryption
#   and Aurora instances (engine aurora*) are encrypted at the cluster (TF-006), so neither is
#   judged here.
# custom:
#   id: TF-005
#   severity: high
#   resource_types: [aws_db_instance]
#   controls:
#     CC6.1: Encryption at rest is a logical access safeguard over stored information.
#     C1.1: Confidential information at rest is protected from disclosure.
#   checkov: [CKV_AWS_16]
#   kics: [08bd0760-8752-44e1-9779-7bb369b2b4e4]
#   remediation: |
#     resource "aws_db_instance" "db" {
#       engine            = "postgres"
#       instance_class    = "db.t3.micro"
#       allocated_storage = 20
#       storage_encrypted = true
#       kms_key_id        = aws_kms_key.rds.arn
#     }
package soc2gate.policies.terraform.aws_rds_instance_encryption

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "storage_encrypted", "DB instance storage is not encrypted: set storage_encrypted = true") if {
	some r in tf.resources("aws_db_instance")
	not tf.is_set(tf.attr(r, "replicate_source_db"))
	not startswith(lower(sprintf("%v", [tf.attr(r, "engine")])), "aurora")
	not tf.is_true(tf.attr(r, "storage_encrypted"))
	not tf.is_set(tf.attr(r, "kms_key_id"))
}
