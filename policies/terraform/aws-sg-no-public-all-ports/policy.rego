# METADATA
# title: Security groups do not open all ports to the internet
# description: >-
#   No ingress rule may allow 0.0.0.0/0 or ::/0 on every port: protocol -1 / all, or TCP/UDP
#   0-65535. Checked on inline ingress blocks, aws_security_group_rule and
#   aws_vpc_security_group_ingress_rule.
# custom:
#   id: TF-034
#   severity: critical
#   resource_types: [aws_security_group, aws_security_group_rule, aws_vpc_security_group_ingress_rule]
#   controls:
#     CC6.1: Only the services that must be reachable are exposed.
#     CC6.6: The boundary blocks connections from untrusted networks.
#   checkov: []
#   related_checkov:
#     CKV_AWS_277: checkov fails only protocol -1 rules; soc2gate also fails TCP/UDP rules spanning ports 0-65535
#   kics: []
#   remediation: |
#     resource "aws_security_group_rule" "https" {
#       type              = "ingress"
#       security_group_id = aws_security_group.web.id
#       from_port         = 443
#       to_port           = 443
#       protocol          = "tcp"
#       cidr_blocks       = ["0.0.0.0/0"]
#     }
package soc2gate.policies.terraform.aws_sg_no_public_all_ports

import data.soc2gate.lib.terraform as tf
import rego.v1

import data.soc2gate.lib.aws_network as net

findings contains [r, rule, net.all_yes([exposed, ports])] if {
	some r in tf.resources_of(net.rule_types)
	some rule in net.ingress_rules(r)
	exposed := net.exposure(rule)
	ports := net.all_ports(rule)
}

deny contains tf.fail_certain(r, net.rule_path(rule, "cidr_blocks"), "ingress opens every port to the internet") if {
	some [r, rule, true] in findings
}

inconclusive contains {"resource": r.id, "path": net.rule_path(rule, "cidr_blocks"), "message": sprintf("%s: ingress may open every port to the internet (unresolved CIDR, port or protocol)", [r.address]), "expression": "unresolved CIDR, port or protocol"} if {
	some [r, rule, false] in findings
}
