# METADATA
# title: DMS replication instances are not publicly accessible
# description: >-
#   aws_dms_replication_instance must not set publicly_accessible = true, which gives the
#   replication instance (and the source and target credentials it holds) a public address. The
#   provider default is false.
# custom:
#   id: TF-170
#   severity: high
#   resource_types: [aws_dms_replication_instance]
#   controls:
#     CC6.1: Logical access to the resource is restricted to authorized users.
#     CC6.6: The system boundary blocks access from outside sources that are not authorized.
#   inconclusive_if_unknown: [publicly_accessible]
#   checkov: [CKV_AWS_89]
#   kics: [030d3b18-1821-45b4-9e08-50efbe7becbb]
#   remediation: |
#     resource "aws_dms_replication_instance" "dms" {
#       replication_instance_id    = "dms"
#       replication_instance_class = "dms.t3.medium"
#       publicly_accessible        = false
#     }
package soc2gate.policies.terraform.aws_dms_not_public

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "publicly_accessible", "replication instance is publicly accessible") if {
	some r in tf.resources("aws_dms_replication_instance")
	tf.is_true(tf.attr(r, "publicly_accessible"))
}
