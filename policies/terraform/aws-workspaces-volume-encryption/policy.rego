# METADATA
# title: WorkSpaces encrypt root and user volumes
# description: >-
#   aws_workspaces_workspace must set root_volume_encryption_enabled = true and
#   user_volume_encryption_enabled = true (both default to false, and encryption can only be chosen
#   when the WorkSpace is created); the user volume holds the user's documents and profile.
# custom:
#   id: TF-188
#   severity: high
#   resource_types: [aws_workspaces_workspace]
#   controls:
#     CC6.1: Encryption at rest is a logical access safeguard over stored information.
#     C1.1: Confidential information at rest is protected from disclosure.
#   checkov: [CKV_AWS_155, CKV_AWS_156]
#   kics: [b9033580-6886-401a-8631-5f19f5bb24c7]
#   remediation: |
#     root_volume_encryption_enabled = true
#     user_volume_encryption_enabled = true
#     volume_encryption_key          = aws_kms_key.workspaces.arn
package soc2gate.policies.terraform.aws_workspaces_volume_encryption

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, volume, sprintf("%v is not true: the volume is not encrypted", [volume])) if {
	some r in tf.resources("aws_workspaces_workspace")
	some volume in ["root_volume_encryption_enabled", "user_volume_encryption_enabled"]
	not tf.is_true(tf.attr(r, volume))
}
