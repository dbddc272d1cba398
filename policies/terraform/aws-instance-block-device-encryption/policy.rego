# METADATA
# title: EC2 instance and launch configuration block devices are encrypted
# description: >-
#   Every root_block_device and ebs_block_device of aws_instance and aws_launch_configuration,
#   and every block_device_mappings.ebs of aws_launch_template, must be encrypted. An absent
#   root_block_device, or a block without `encrypted`, takes the provider default (unencrypted,
#   mappings/terraform-defaults.yaml) unless the same configuration enables EBS encryption by
#   default (aws_ebs_encryption_by_default, TF-004): then AWS encrypts the volume and it passes.
#   An explicit encrypted = false always fails. Launch templates without block_device_mappings
#   are not judged (the AMI's mapping applies). Ephemeral (instance store) devices are not EBS.
# custom:
#   id: TF-003
#   severity: high
#   resource_types: [aws_instance, aws_launch_configuration, aws_launch_template]
#   controls:
#     CC6.1: Encryption at rest is a logical access safeguard over stored information.
#     C1.1: Confidential information at rest is protected from disclosure.
#   checkov: [CKV_AWS_8]
#   kics: []
#   related_kics:
#     4de9de27-254e-424f-bd70-4c1e95790838: KICS judges only the block devices a launch configuration declares; soc2gate also fails an absent root_block_device (the provider default is unencrypted)
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

instance_types := ["aws_instance", "aws_launch_configuration"]

deny contains tf.fail(r, sprintf("%s.encrypted", [name]), sprintf("%s is not encrypted: set encrypted = true", [name])) if {
	some type in instance_types
	some r in tf.resources(type)
	some name in device_blocks
	some b in tf.blocks(r.attributes, name)
	not encrypted(r, b, sprintf("%s.encrypted", [name]))
}

deny contains tf.fail(r, "root_block_device", "no root_block_device: the root volume is unencrypted (provider default); add root_block_device { encrypted = true } or enable aws_ebs_encryption_by_default") if {
	some type in instance_types
	some r in tf.resources(type)
	count(tf.blocks(r.attributes, "root_block_device")) == 0
	not tf.is_true(tf.default_of(type, "root_block_device.encrypted"))
	not account_default(r) in {"on", "unknown"}
}

inconclusive contains {"resource": r.id, "path": "root_block_device", "message": msg, "expression": d.unknown.enabled} if {
	some type in instance_types
	some r in tf.resources(type)
	count(tf.blocks(r.attributes, "root_block_device")) == 0
	account_default(r) == "unknown"
	some d in tf.resources("aws_ebs_encryption_by_default")
	tf.unknown(d, "enabled")
	msg := sprintf("%s: no root_block_device; encrypted only if %s enables EBS encryption by default", [r.address, d.address])
}

# An explicit value decides; an absent one is the account default when it is on, else the provider's.
encrypted(r, b, path) if {
	tf.is_true(tf.value(r, b, "encrypted", path))
}

encrypted(r, b, _) if {
	object.get(b, "encrypted", null) == null
	account_default(r) == "on"
}

# EBS encryption by default in the same configuration: "on", "unknown" or "off".
account_default(r) := "on" if {
	some d in tf.resources("aws_ebs_encryption_by_default")
	d.root == r.root
	tf.is_true(tf.value(d, d.attributes, "enabled", "enabled"))
} else := "unknown" if {
	some d in tf.resources("aws_ebs_encryption_by_default")
	d.root == r.root
	tf.unknown(d, "enabled")
} else := "off"

deny contains tf.fail(r, "block_device_mappings.ebs.encrypted", "launch template EBS mapping is not encrypted: set ebs.encrypted = true") if {
	some r in tf.resources("aws_launch_template")
	some m in tf.blocks(r.attributes, "block_device_mappings")
	some ebs in tf.blocks(m, "ebs")
	not encrypted(r, ebs, "block_device_mappings.ebs.encrypted")
	not tf.is_set(object.get(ebs, "snapshot_id", null))
}
