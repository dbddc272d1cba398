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
#   checkov: [CKV_AWS_274]
#   kics: []
#   remediation: |
#     resource "aws_iam_role_policy_attachment" "read" {
#       role       = aws_iam_role.app.name
#       policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
#     }
package soc2gate.policies.terraform.aws_iam_no_administrator_access

import data.soc2gate.lib.partial
import data.soc2gate.lib.terraform as tf
import data.soc2gate.lib.values
import rego.v1

admin(arn) if regex.match(`^arn:aws[a-z-]*:iam::aws:policy/AdministratorAccess$`, sprintf("%v", [arn]))

attachments := tf.resources_of(["aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment", "aws_iam_policy_attachment"])

deny contains tf.fail(r, "policy_arn", "attaches the AdministratorAccess managed policy") if {
	some r in attachments
	admin(tf.attr(r, "policy_arn"))
}

# An unresolved ARN is inconclusive only if it could still be AdministratorAccess in some
# partition: "arn:${partition}:iam::aws:policy/ReadOnlyAccess" cannot (lib/partial), nor can
# the ARN of a policy this configuration creates.
may_be_admin(r, arn) if {
	partial.unresolved(arn)
	partial.may_start_with(r, arn, "arn:aws")
	partial.may_end_with(r, arn, ":iam::aws:policy/AdministratorAccess")
	not customer_managed(r, arn)
}

may_be_admin(_, arn) if not is_string(arn)

# The `arn` of an `aws_iam_policy` resource of this configuration: a customer managed policy,
# whose ARN holds the caller's account ID (arn:<partition>:iam::<account-id>:policy/...), never
# the AWS managed AdministratorAccess (account "aws").  A `data "aws_iam_policy"` may be it.
customer_managed(_, arn) if regex.match(`^\$\{aws_iam_policy\.[A-Za-z0-9_-]+(\[[^\]]*\])?\.arn\}$`, arn)

# ... also when the attribute is `each.value` of a map holding that reference (the unknown
# expression is then the reference itself).
customer_managed(r, arn) if {
	arn == tf.attr(r, "policy_arn")
	regex.match(`^aws_iam_policy\.[A-Za-z0-9_-]+(\[[^\]]*\])?\.arn$`, object.get(object.get(r, "unknown", {}), "policy_arn", ""))
}

inconclusive contains {"resource": r.id, "path": "policy_arn", "message": msg, "expression": r.unknown.policy_arn} if {
	some r in attachments
	tf.unknown(r, "policy_arn")
	may_be_admin(r, tf.attr(r, "policy_arn"))
	msg := sprintf("%s: the attached policy ARN is unresolved", [r.address])
}

inconclusive contains {"resource": r.id, "path": "managed_policy_arns", "message": msg, "expression": r.unknown.managed_policy_arns} if {
	some r in tf.resources("aws_iam_role")
	tf.unknown(r, "managed_policy_arns")
	not any_admin(r)
	some arn in values.as_list(tf.attr(r, "managed_policy_arns"))
	may_be_admin(r, arn)
	msg := sprintf("%s: a managed policy ARN is unresolved", [r.address])
}

any_admin(r) if {
	some arn in values.as_list(tf.attr(r, "managed_policy_arns"))
	admin(arn)
}

deny contains tf.fail(r, "managed_policy_arns", "role has the AdministratorAccess managed policy") if {
	some r in tf.resources("aws_iam_role")
	some arn in object.get(r.attributes, "managed_policy_arns", [])
	admin(arn)
}
