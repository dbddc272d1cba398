# METADATA
# title: IAM policies are attached to groups or roles, not users
# description: >-
#   aws_iam_user_policy, aws_iam_user_policy_attachment and an aws_iam_policy_attachment that
#   lists users grant permissions to individual users, which is hard to review and revoke. Grant
#   through groups or roles instead.
# custom:
#   id: TF-042
#   severity: low
#   resource_types: [aws_iam_user_policy, aws_iam_user_policy_attachment, aws_iam_policy_attachment]
#   controls:
#     CC6.1: Access is granted on a least-privilege basis.
#     CC6.3: Permissions follow roles, not individuals, and stay reviewable.
#     CC1.3: Responsibilities are assigned through roles that can be reviewed as a whole.
#   checkov: [CKV_AWS_40]
#   kics: [b4378389-a9aa-44ee-91e7-ef183f11079e]
#   remediation: |
#     resource "aws_iam_group_policy_attachment" "devs" {
#       group      = aws_iam_group.developers.name
#       policy_arn = aws_iam_policy.deploy.arn
#     }
package soc2gate.policies.terraform.aws_iam_no_user_policies

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "", "policy is attached directly to an IAM user") if {
	some r in tf.resources_of(["aws_iam_user_policy", "aws_iam_user_policy_attachment"])
}

deny contains tf.fail(r, "", "policy attachment lists IAM users") if {
	some r in tf.resources("aws_iam_policy_attachment")
	tf.is_set(tf.attr(r, "users"))
}
