# METADATA
# title: MSK brokers are not publicly accessible
# description: >-
#   aws_msk_cluster must not set broker_node_group_info.connectivity_info.public_access.type to
#   SERVICE_PROVIDED_EIPS, which gives every broker a public IP address. Absent, public access is
#   DISABLED (the provider and MSK default).
# custom:
#   id: TF-173
#   severity: high
#   resource_types: [aws_msk_cluster]
#   controls:
#     CC6.1: Logical access to the resource is restricted to authorized users.
#     CC6.6: The system boundary blocks access from outside sources that are not authorized.
#   inconclusive_if_unknown: [broker_node_group_info.connectivity_info.public_access.type]
#   checkov: [CKV_AWS_291]
#   kics: [54378d69-dd7c-4b08-a43e-80d563396857]
#   remediation: |
#     broker_node_group_info {
#       connectivity_info {
#         public_access {
#           type = "DISABLED"
#         }
#       }
#     }
package soc2gate.policies.terraform.aws_msk_not_public

import data.soc2gate.lib.terraform as tf
import rego.v1

path := "broker_node_group_info.connectivity_info.public_access.type"

public_access(r) := tf.block(tf.block(tf.block(r.attributes, "broker_node_group_info"), "connectivity_info"), "public_access")

deny contains tf.fail(r, path, "brokers have public IP addresses (SERVICE_PROVIDED_EIPS)") if {
	some r in tf.resources("aws_msk_cluster")
	upper(sprintf("%v", [object.get(public_access(r), "type", "DISABLED")])) == "SERVICE_PROVIDED_EIPS"
}

