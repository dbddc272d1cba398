# METADATA
# title: EKS node groups do not open SSH to the internet
# description: >-
#   An aws_eks_node_group whose remote_access block names an ec2_ssh_key must also list
#   source_security_group_ids: without them EKS opens port 22 of every node to 0.0.0.0/0 (EKS API
#   RemoteAccessConfig, sourceSecurityGroups). Node groups without remote_access or without an SSH
#   key pass.
# custom:
#   id: TF-189
#   severity: high
#   resource_types: [aws_eks_node_group]
#   controls:
#     CC6.1: Logical access to the resource is restricted to authorized users.
#     CC6.6: The system boundary blocks access from outside sources that are not authorized.
#   inconclusive_if_unknown: [remote_access.ec2_ssh_key]
#   checkov: [CKV_AWS_100]
#   related_kics:
#     ba40ace1-a047-483c-8a8d-bc2d3a67a82d: KICS's compliant fixture spells the attribute source_security_groups_ids, which the provider rejects; the rule is the same
#   remediation: |
#     remote_access {
#       ec2_ssh_key               = "ops"
#       source_security_group_ids = [aws_security_group.bastion.id]
#     }
package soc2gate.policies.terraform.aws_eks_node_group_ssh_restricted

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "remote_access.source_security_group_ids", "SSH (port 22) is open to 0.0.0.0/0: list source_security_group_ids in remote_access") if {
	some r in tf.resources("aws_eks_node_group")
	access := tf.block(r.attributes, "remote_access")
	tf.is_set(object.get(access, "ec2_ssh_key", null))
	not tf.known_set_in(r, access, "source_security_group_ids", "remote_access.source_security_group_ids")
}
