# METADATA
# title: EC2 instance and launch configuration block devices are encrypted
# description: >-
#   Every root_block_device and ebs_block_device of aws_instance and aws_launch_configuration,
#   and every block_device_mappings.ebs of aws_launch_template, must set encrypted = true.
#   Blocks that are absent are not judged (the AMI's mapping applies; enable EBS encryption by
#   default, see TF-004). Ephemeral (instance store) devices are not EBS and are ignored.
# custom:
#   id: TF-003
#   severity: high
#   resource_types: [aws_instance, aws_launch_configuration, aws_launch_template]
#   controls:
#     CC6.1: Encryption at rest is a logical access safeguard over stored information.
#     C1.1: Confidential information at rest is protected from disclosure.
#   checkov: [CKV_AWS_8, CKV_AWS_79]
#   kics: [4de9de27-254e-424f-bd70-4c1e95790838]
#   remediation: |
#     resource "aws_instance" "app" {
#       ami           = "ami-0abcdef1234567890"
#       instance_type = "t3.micro"
#       root_block_device {
#         encrypted = true
#       }
#     }
package soc2gate.policies.terraform.aws_instance_block_device_encryption

import data.soc2gate.lib.terraform as tf
import rego.v1

device_blocks := ["root_block_device", "ebs_block_device"]

deny contains tf.fail(r, sprintf("%s.encrypted", [name]), sprintf("%s is not encrypted: set encrypted = true", [name])) if {
	some r in tf.resources_of(["aws_instance", "aws_launch_configuration"])
	some name in device_blocks
	some b in tf.blocks(r.attributes, name)
	not tf.is_true(object.get(b, "encrypted", null))
}

deny contains tf.fail(r, "block_device_mappings.ebs.encrypted", "launch template EBS mapping is not encrypted: set ebs.encrypted = true") if {
	some r in tf.resources("aws_launch_template")
	some m in tf.blocks(r.attributes, "block_device_mappings")
	some ebs in tf.blocks(m, "ebs")
	not tf.is_true(object.get(ebs, "encrypted", null))
	not tf.is_set(object.get(ebs, "snapshot_id", null))
}
