# METADATA
# title: Default security groups allow no traffic
# description: >-
#   The default security group of a VPC must allow no traffic, so that resources launched without
#   an explicit group get no network access. Fails an aws_default_security_group with ingress or
#   egress blocks, and any aws_security_group_rule / aws_vpc_security_group_ingress_rule /
#   aws_vpc_security_group_egress_rule attached to it, by reference to the
#   aws_default_security_group or to a VPC's default_security_group_id (reported on the
#   aws_default_security_group, or on the aws_vpc). A VPC whose default group Terraform does not
#   manage is not judged (its AWS default rules are the account's, see CKV2_AWS_12).
# custom:
#   id: TF-035
#   severity: medium
#   resource_types: [aws_default_security_group]
#   controls:
#     CC6.1: Resources are not reachable through an implicit catch-all group.
#     CC6.6: Unintended network paths through the default group are closed.
#   checkov: []
#   related_checkov:
#     CKV2_AWS_12: checkov judges aws_vpc and fails a VPC whose default group Terraform does not manage; soc2gate judges the managed default group and rules attached to it
#   kics: [9a4ef195-74b9-4c58-b8ed-2b2fe4353a75]
#   remediation: |
#     resource "aws_default_security_group" "default" {
#       vpc_id = aws_vpc.main.id
#     }
package soc2gate.policies.terraform.aws_default_sg_restricts_all

import data.soc2gate.lib.terraform as tf
import rego.v1

rule_types := ["aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"]

deny contains tf.fail(r, name, sprintf("default security group has %s rules", [name])) if {
	some r in tf.resources("aws_default_security_group")
	some name in ["ingress", "egress"]
	count(tf.blocks(r.attributes, name)) > 0
}

deny contains tf.fail(r, sprintf("links.%s", [type]), sprintf("%s adds a rule to the default security group", [link.address])) if {
	some parent in ["aws_default_security_group", "aws_vpc"]
	some r in tf.resources(parent)
	some type in rule_types
	some link in tf.links(r, type)
}
