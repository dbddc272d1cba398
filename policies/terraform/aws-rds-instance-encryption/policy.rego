# METADATA
# title: RDS DB instances encrypt storage at rest
# description: >-
#   aws_db_instance must set storage_encrypted = true (provider default false,
#   mappings/terraform-defaults.yaml). storage_encrypted = false fails whatever kms_key_id is.
#   When storage_encrypted is absent, a kms_key_id that is certainly set (a literal or a
#   resource's attribute) implies encryption; one that may be null (an unset variable, a module
#   output, a plan value known only after apply) is inconclusive. Read replicas
#   (replicate_source_db) inherit the source's encryption and Aurora instances (engine aurora*)
#   are encrypted at the cluster (TF-006), so neither is judged here.
# custom:
#   id: TF-005
#   severity: high
#   resource_types: [aws_db_instance]
#   controls:
#     CC6.1: Encryption at rest is a logical access safeguard over stored information.
#     C1.1: Confidential information at rest is protected from disclosure.
#   checkov: []
#   related_checkov:
#     CKV_AWS_16: checkov requires storage_encrypted = true and fails read replicas; soc2gate also accepts a kms_key_id that is certainly set and leaves replicas to their source
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
	some r in judged
	not tf.is_true(tf.value(r, r.attributes, "storage_encrypted", "storage_encrypted"))
	not absent_with_key(r)
}

# storage_encrypted absent, kms_key_id given: encrypted only if the key cannot turn out null.
deny contains tf.fail(r, "kms_key_id", "DB instance storage is encrypted only if kms_key_id is set: set storage_encrypted = true") if {
	some r in judged
	absent_with_key(r)
	not tf.known_set(r, "kms_key_id")
}

judged contains r if {
	some r in tf.resources("aws_db_instance")
	not tf.is_set(tf.attr(r, "replicate_source_db"))
	not startswith(lower(sprintf("%v", [tf.attr(r, "engine")])), "aurora")
}

absent_with_key(r) if {
	tf.attr(r, "storage_encrypted") == null
	tf.is_set(tf.attr(r, "kms_key_id"))
}
