# METADATA
# title: DAX clusters encrypt data at rest
# description: >-
#   aws_dax_cluster must have server_side_encryption { enabled = true }. Without the block, or with
#   enabled absent, the cluster's cache, configuration and logs are not encrypted at rest (the
#   provider default is false), and encryption cannot be turned on after creation.
# custom:
#   id: TF-178
#   severity: high
#   resource_types: [aws_dax_cluster]
#   controls:
#     CC6.1: Encryption at rest is a logical access safeguard over stored information.
#     C1.1: Confidential information at rest is protected from disclosure.
#   checkov: [CKV_AWS_47]
#   kics: [f11aec39-858f-4b6f-b946-0a1bf46c0c87]
#   remediation: |
#     server_side_encryption {
#       enabled = true
#     }
package soc2gate.policies.terraform.aws_dax_encryption

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "server_side_encryption.enabled", "DAX cluster is not encrypted at rest: add server_side_encryption { enabled = true }") if {
	some r in tf.resources("aws_dax_cluster")
	not tf.is_true(object.get(tf.block(r.attributes, "server_side_encryption"), "enabled", null))
}
