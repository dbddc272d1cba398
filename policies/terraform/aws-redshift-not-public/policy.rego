# METADATA
# title: Redshift clusters are not publicly accessible
# description: >-
#   aws_redshift_cluster must set publicly_accessible = false. AWS provider versions before 6.0
#   default it to true, so an unset value fails.
# custom:
#   id: TF-031
#   severity: critical
#   resource_types: [aws_redshift_cluster]
#   controls:
#     CC6.1: Logical access to the resource is restricted to authorized users.
#     CC6.6: The system boundary blocks access from outside sources that are not authorized.
#     CC6.2: Warehouse access is limited to authorized network paths.
#   checkov: [CKV_AWS_87]
#   kics: [af173fde-95ea-4584-b904-bb3923ac4bda]
#   remediation: |
#     resource "aws_redshift_cluster" "dw" {
#       cluster_identifier  = "dw"
#       publicly_accessible = false
#     }
package soc2gate.policies.terraform.aws_redshift_not_public

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "publicly_accessible", "Redshift cluster is publicly accessible (set publicly_accessible = false; provider < 6 defaults to true)") if {
	some r in tf.resources("aws_redshift_cluster")
	not tf.is_false(tf.attr(r, "publicly_accessible"))
}
