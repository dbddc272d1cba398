# METADATA
# title: Default security groups allow no traffic
# description: >-
#   An aws_default_security_group must have no ingress and no egress blocks, so that resources
#   launched without an explicit group get no network access.
# custom:
#   id: TF-035
#   severity: medium
#   resource_types: [aws_default_security_group]
#   controls:
#     CC6.1: Resources are not reachable through an implicit catch-all group.
#     CC6.6: Unintended network paths through the default group are closed.
#   checkov: [CKV2_AWS_12]
#   kics: [9a4ef195-74b9-4c58-b8ed-2b2fe4353a75]
#   remediation: |
#     resource "aws_default_security_group" "default" {
#       vpc_id = aws_vpc.main.id
#     }
package soc2gate.policies.terraform.aws_default_sg_restricts_all

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, name, sprintf("default security group has %s rules", [name])) if {
	some r in tf.resources("aws_default_security_group")
	some name in ["ingress", "egress"]
	count(tf.blocks(r.attributes, name)) > 0
}
