# METADATA
# title: AWS Backup vaults are encrypted with a customer managed key
# description: >-
#   aws_backup_vault must set kms_key_arn. Without it the vault uses the AWS managed aws/backup
#   key, whose policy the entity cannot restrict or audit separately.
# custom:
#   id: TF-017
#   severity: medium
#   resource_types: [aws_backup_vault]
#   controls:
#     CC6.1: A customer managed key restricts who can restore or read backups.
#     A1.2: Backups that support recovery are protected from unauthorized access.
#     PI1.5: Stored backup data is protected with a key the entity controls.
#   checkov: [CKV_AWS_166]
#   kics: []
#   remediation: |
#     resource "aws_backup_vault" "main" {
#       name        = "main"
#       kms_key_arn = aws_kms_key.backup.arn
#     }
package soc2gate.policies.terraform.aws_backup_vault_cmk

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "kms_key_arn", "backup vault does not use a customer managed key: set kms_key_arn") if {
	some r in tf.resources("aws_backup_vault")
	not tf.known_set(r, "kms_key_arn")
}
