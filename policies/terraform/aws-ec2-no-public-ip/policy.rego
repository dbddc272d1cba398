# METADATA
# title: EC2 instances and launch templates do not request public IP addresses
# description: >-
#   aws_instance must not set associate_public_ip_address = true, and aws_launch_template
#   network_interfaces must not set associate_public_ip_address = true. Instances should be
#   reached through load balancers, bastions or SSM. An unset value follows the subnet setting.
# custom:
#   id: TF-032
#   severity: high
#   resource_types: [aws_instance, aws_launch_template]
#   controls:
#     CC6.1: Logical access to the resource is restricted to authorized users.
#     CC6.6: The system boundary blocks access from outside sources that are not authorized.
#   inconclusive_if_unknown: [associate_public_ip_address, network_interfaces.associate_public_ip_address]
#   checkov: [CKV_AWS_88]
#   kics: [5a2486aa-facf-477d-a5c1-b010789459ce]
#   remediation: |
#     resource "aws_instance" "app" {
#       ami                         = "ami-0abcdef1234567890"
#       instance_type               = "t3.micro"
#       subnet_id                   = aws_subnet.private.id
#       associate_public_ip_address = false
#     }
package soc2gate.policies.terraform.aws_ec2_no_public_ip

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "associate_public_ip_address", "instance gets a public IP address") if {
	some r in tf.resources("aws_instance")
	tf.is_true(tf.attr(r, "associate_public_ip_address"))
}

deny contains tf.fail(r, "network_interfaces.associate_public_ip_address", "launch template gives instances a public IP address") if {
	some r in tf.resources("aws_launch_template")
	some n in tf.blocks(r.attributes, "network_interfaces")
	tf.is_true(object.get(n, "associate_public_ip_address", null))
}
