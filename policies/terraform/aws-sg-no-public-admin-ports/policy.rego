# METADATA
# title: Security groups do not open SSH or RDP to the internet
# description: >-
#   No ingress rule may allow 0.0.0.0/0 or ::/0 to TCP 22 (SSH) or 3389 (RDP), including rules
#   with protocol -1 (all traffic). Inline ingress blocks of aws_security_group,
#   aws_security_group_rule (type ingress) and aws_vpc_security_group_ingress_rule are checked.
#   Rules whose CIDR or ports are unresolved variables are inconclusive.
# custom:
#   id: TF-033
#   severity: critical
#   resource_types: [aws_security_group, aws_security_group_rule, aws_vpc_security_group_ingress_rule]
#   controls:
#     CC6.1: Network access to administrative services is restricted to authorized sources.
#     CC6.6: The boundary blocks connections from untrusted networks.
#     CC7.2: Internet-exposed admin ports are a primary intrusion path that monitoring must not have to absorb.
#   checkov: [CKV_AWS_24, CKV_AWS_25]
#   kics: [65905cec-d691-4320-b320-2000436cb696, 151187cb-0efc-481c-babd-ad24e3c9bc22]
#   remediation: |
#     resource "aws_vpc_security_group_ingress_rule" "ssh" {
#       security_group_id = aws_security_group.bastion.id
#       cidr_ipv4         = "203.0.113.0/24" # office range
#       from_port         = 22
#       to_port           = 22
#       ip_protocol       = "tcp"
#     }
package soc2gate.policies.terraform.aws_sg_no_public_admin_ports

import data.soc2gate.lib.terraform as tf
import rego.v1

import data.soc2gate.lib.aws_network as net

admin_ports := {22: "SSH", 3389: "RDP"}

findings contains [r, rule, msg, net.all_yes([exposed, reach])] if {
	some r in tf.resources_of(net.rule_types)
	some rule in net.ingress_rules(r)
	some port, name in admin_ports
	exposed := net.exposure(rule)
	reach := net.reaches(rule, port)
	msg := sprintf("ingress opens %s (port %d) to the internet", [name, port])
}

deny contains tf.fail_certain(r, net.rule_path(rule, "cidr_blocks"), msg) if {
	some [r, rule, msg, true] in findings
}

inconclusive contains {"resource": r.id, "path": net.rule_path(rule, "cidr_blocks"), "message": sprintf("%s: %s if its unresolved CIDR, port or protocol allow it", [r.address, msg]), "expression": "unresolved CIDR, port or protocol"} if {
	some [r, rule, msg, false] in findings
}
