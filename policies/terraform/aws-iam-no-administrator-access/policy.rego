# METADATA
# title: The AdministratorAccess managed policy is not attached
# description: >-
#   Attaching arn:aws:iam::aws:policy/AdministratorAccess (through any *_policy_attachment
#   resource or aws_iam_role managed_policy_arns) grants full control of the account. Use scoped
#   policies; keep break-glass administrator access outside routine Terraform.
# custom:
#   id: TF-041
#   severity: high
#   resource_types: [aws_iam_role_policy_attachment, aws_iam_user_policy_attachment, aws_iam_group_policy_attachment, aws_iam_policy_attachment, aws_iam_role]
#   controls:
#     CC6.1: Access is granted on a least-privilege basis.
#     CC6.3: Permissions follow roles, not individuals, and stay reviewable.
#     CC1.3: Administrative authority is limited to defined break-glass roles.
#   inconclusive_if_unknown: [policy_arn]
#   checkov: [CKV_AWS_274]
#   kics: []
#   remediation: |
#     resource "aws_iam_role_policy_attachment" "read" {
#       role       = aws_iam_role.app.name
#       policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
#     }
package soc2gate.policies.terraform.aws_iam_no_administrator_access

import data.soc2gate.lib.terraform as tf
import rego.v1

admin(arn) if regex.match(`^arn:aws[a-z-]*:iam::aws:policy/AdministratorAccess$`, sprintf("%v", [arn]))

deny contains tf.fail(r, "policy_arn", "attaches the AdministratorAccess managed policy") if {
	some r in tf.resources_of(["aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment", "aws_iam_policy_attachment"])
	admin(tf.attr(r, "policy_arn"))
}

deny contains tf.fail(r, "managed_policy_arns", "role has the AdministratorAccess managed policy") if {
	some r in tf.resources("aws_iam_role")
	some arn in object.get(r.attributes, "managed_policy_arns", [])
	admin(arn)
}
