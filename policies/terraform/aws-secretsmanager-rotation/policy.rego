# METADATA
# title: Secrets Manager secrets rotate automatically
# description: >-
#   Every aws_secretsmanager_secret needs a linked aws_secretsmanager_secret_rotation (provider
#   v4+) or the legacy inline rotation_lambda_arn / rotation_rules, so credentials are replaced
#   on a schedule.
# custom:
#   id: TF-039
#   severity: medium
#   resource_types: [aws_secretsmanager_secret]
#   controls:
#     CC6.1: Rotating credentials limits how long a leaked secret grants access.
#     CC6.2: Credentials are refreshed as part of credential lifecycle management.
#   checkov: [CKV2_AWS_57]
#   kics: []
#   remediation: |
#     resource "aws_secretsmanager_secret_rotation" "db" {
#       secret_id           = aws_secretsmanager_secret.db.id
#       rotation_lambda_arn = aws_lambda_function.rotate.arn
#       rotation_rules {
#         automatically_after_days = 30
#       }
#     }
package soc2gate.policies.terraform.aws_secretsmanager_rotation

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "links.aws_secretsmanager_secret_rotation", "secret has no rotation (add aws_secretsmanager_secret_rotation)") if {
	some r in tf.resources("aws_secretsmanager_secret")
	count(tf.links(r, "aws_secretsmanager_secret_rotation")) == 0
	not tf.is_set(tf.attr(r, "rotation_lambda_arn"))
	count(tf.blocks(r.attributes, "rotation_rules")) == 0
}
