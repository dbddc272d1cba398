# METADATA
# title: RDS and DocumentDB clusters encrypt storage at rest
# description: >-
#   aws_rds_cluster and aws_docdb_cluster must set storage_encrypted = true. The provider
#   default is false for provisioned clusters; only Aurora Serverless v1 (engine_mode =
#   serverless) is always encrypted. Clusters that join a global cluster or restore from a
#   snapshot still need the flag to be explicit.
# custom:
#   id: TF-006
#   severity: high
#   resource_types: [aws_rds_cluster, aws_docdb_cluster]
#   controls:
#     CC6.1: Encryption at rest is a logical access safeguard over stored information.
#     C1.1: Confidential information at rest is protected from disclosure.
#   checkov: [CKV_AWS_96, CKV_AWS_74]
#   kics: [3199c26c-7871-4cb3-99c2-10a59244ce7f, 1a690d1d-0ae7-49fa-b2db-b75ae0dd1d3e, bc1f9009-84a0-490f-ae09-3e0ea6d74ad6]
#   related_kics:
#     656880aa-1388-488f-a6d4-8f73c23149b2: judged on aws_db_cluster_snapshot; soc2gate judges the cluster
#   remediation: |
#     resource "aws_rds_cluster" "db" {
#       cluster_identifier = "orders"
#       engine             = "aurora-postgresql"
#       storage_encrypted  = true
#       kms_key_id         = aws_kms_key.rds.arn
#     }
package soc2gate.policies.terraform.aws_rds_cluster_encryption

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "storage_encrypted", "cluster storage is not encrypted: set storage_encrypted = true") if {
	some r in tf.resources_of(["aws_rds_cluster", "aws_docdb_cluster"])
	tf.attr(r, "engine_mode") != "serverless"
	not tf.is_true(tf.attr(r, "storage_encrypted"))
}
