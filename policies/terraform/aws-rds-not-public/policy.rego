# METADATA
# title: RDS instances are not publicly accessible
# description: >-
#   aws_db_instance and aws_rds_cluster_instance must not set publicly_accessible = true, which
#   gives the database a public DNS name and address (the provider default is false).
# custom:
#   id: TF-030
#   severity: critical
#   resource_types: [aws_db_instance, aws_rds_cluster_instance]
#   controls:
#     CC6.1: Logical access to the resource is restricted to authorized users.
#     CC6.6: The system boundary blocks access from outside sources that are not authorized.
#     CC6.2: Database access is limited to authorized network paths.
#   inconclusive_if_unknown: [publicly_accessible]
#   checkov: [CKV_AWS_17]
#   kics: [35113e6f-2c6b-414d-beec-7a9482d3b2d1]
#   remediation: |
#     resource "aws_db_instance" "db" {
#       engine              = "postgres"
#       instance_class      = "db.t3.micro"
#       publicly_accessible = false
#     }
package soc2gate.policies.terraform.aws_rds_not_public

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "publicly_accessible", "database is publicly accessible") if {
	some r in tf.resources_of(["aws_db_instance", "aws_rds_cluster_instance"])
	tf.is_true(tf.attr(r, "publicly_accessible"))
}
