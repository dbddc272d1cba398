# METADATA
# title: Neptune instances are not publicly accessible
# description: >-
#   aws_neptune_cluster_instance must not set publicly_accessible = true, which gives the instance
#   a public address. The provider default is false.
# custom:
#   id: TF-176
#   severity: high
#   resource_types: [aws_neptune_cluster_instance]
#   controls:
#     CC6.1: Logical access to the resource is restricted to authorized users.
#     CC6.6: The system boundary blocks access from outside sources that are not authorized.
#   inconclusive_if_unknown: [publicly_accessible]
#   checkov: [CKV_AWS_102]
#   kics: [9ba198e0-fef4-464a-8a4d-75ea55300de7]
#   remediation: |
#     resource "aws_neptune_cluster_instance" "graph" {
#       cluster_identifier  = aws_neptune_cluster.graph.id
#       instance_class      = "db.r6g.large"
#       publicly_accessible = false
#     }
package soc2gate.policies.terraform.aws_neptune_not_public

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "publicly_accessible", "Neptune instance is publicly accessible") if {
	some r in tf.resources("aws_neptune_cluster_instance")
	tf.is_true(tf.attr(r, "publicly_accessible"))
}
