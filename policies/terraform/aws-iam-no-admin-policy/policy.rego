# METADATA
# title: IAM policies do not grant every action on every resource
# description: >-
#   A statement that allows Action "*" on Resource "*" gives full administrator rights and
#   defeats least privilege. Checked in aws_iam_policy, role/user/group inline policies,
#   aws_iam_role inline_policy blocks, SSO permission-set inline policies and data
#   "aws_iam_policy_document" statements; the document may be a JSON string, a heredoc,
#   jsonencode({...}) or a reference to a policy-document data source in the same module.
#   Documents soc2gate cannot read (module outputs, file(), templates) are inconclusive.
# custom:
#   id: TF-040
#   severity: critical
#   resource_types: [aws_iam_policy, aws_iam_role_policy, aws_iam_user_policy, aws_iam_group_policy, aws_iam_role, aws_ssoadmin_permission_set_inline_policy, aws_iam_policy_document]
#   controls:
#     CC6.1: Least-privilege logical access requires that no identity holds unrestricted permissions.
#     CC6.3: Role-based access is defeated when one policy grants every action on every resource.
#     CC1.3: Separation of responsibilities needs authority scoped below full administrator.
#   checkov: [CKV_AWS_62, CKV_AWS_1, CKV_AWS_63]
#   kics: [2f37c4a3-58b9-4afe-8a87-d7f1d2286f84, 575a2155-6af1-4026-b1af-d5bc8fe2a904, 132a8c31-9837-4203-9fd1-15ca210c7b73]
#   remediation: |
#     resource "aws_iam_policy" "deploy" {
#       name   = "deploy"
#       policy = jsonencode({
#         Version   = "2012-10-17"
#         Statement = [{
#           Effect   = "Allow"
#           Action   = ["s3:PutObject", "s3:GetObject"]
#           Resource = "arn:aws:s3:::acme-artifacts/*"
#         }]
#       })
#     }
package soc2gate.policies.terraform.aws_iam_no_admin_policy

import data.soc2gate.lib.terraform as tf
import data.soc2gate.lib.aws_iam as iam
import data.soc2gate.lib.partial
import rego.v1

# Attributes that hold a policy document, per resource type.
document_attributes := {
	"aws_iam_policy": "policy",
	"aws_iam_role_policy": "policy",
	"aws_iam_user_policy": "policy",
	"aws_iam_group_policy": "policy",
	"aws_ssoadmin_permission_set_inline_policy": "inline_policy",
}

documents(r) := [{"path": attr, "value": value}] if {
	attr := document_attributes[r.type]
	value := object.get(r.attributes, attr, null)
	value != null
} else := [{"path": "inline_policy.policy", "value": b.policy} |
	r.type == "aws_iam_role"
	some b in tf.blocks(r.attributes, "inline_policy")
	is_string(b.policy)
]

subjects contains r if {
	some type, _ in document_attributes
	some r in tf.resources(type)
}

subjects contains r if some r in tf.resources("aws_iam_role")

admin(s) if {
	iam.allows(s)
	iam.any_action(s)
	iam.any_resource(s)
}

message := `policy allows every action ("*") on every resource ("*")`

# Every readable document of every subject, decoded once per evaluation.
parsed contains {"r": r, "path": d.path, "statements": statements} if {
	some r in subjects
	some d in documents(r)
	statements := iam.statements(r, d.value)
}

parsed_paths contains [p.r.id, p.path] if some p in parsed

deny contains tf.fail_certain(p.r, p.path, message) if {
	some p in parsed
	some s in p.statements
	admin(s)
}

deny contains tf.fail_certain(r, "statement", message) if {
	some r in tf.resources("aws_iam_policy_document")
	some s in iam.block_statements(r)
	admin(s)
}

# A statement with unresolved parts that could still grant "*" on "*" is inconclusive (never a
# failure): known actions such as ["kms:Decrypt"] cannot become "*" whatever the resource is.
inconclusive contains {"resource": p.r.id, "path": p.path, "message": unresolved_message(p.r), "expression": expression} if {
	some p in parsed
	not any_admin(p.statements)
	some s in p.statements
	could_be_admin(p.r, s)
	expression := concat(", ", [sprintf("%v", [x]) | some x in iam.unknown_parts(s)])
}

inconclusive contains {"resource": r.id, "path": "statement", "message": unresolved_message(r), "expression": expression} if {
	some r in tf.resources("aws_iam_policy_document")
	statements := iam.block_statements(r)
	not any_admin(statements)
	some s in statements
	could_be_admin(r, s)
	expression := concat(", ", [sprintf("%v", [x]) | some x in iam.unknown_parts(s)])
}

unresolved_message(r) := sprintf("%s: a policy statement depends on unresolved values", [r.address])

could_be_admin(r, s) if {
	s.unknown
	not lower(sprintf("%v", [s.effect])) == "deny"
	open_or_unknown(r, s.actions, "*")
	open_or_unknown(r, s.resources, "*")
}

open_or_unknown(_, values, wildcard) if wildcard in values

# An unresolved element may be "*" unless its known text rules it out ("arn:${p}:s3:::b/*" cannot).
open_or_unknown(r, values, wildcard) if {
	some v in values
	iam.marked(v)
	partial.may_equal(r, v, wildcard)
}

any_admin(statements) if {
	some s in statements
	admin(s)
}

inconclusive contains {"resource": r.id, "path": d.path, "message": sprintf("%s: cannot read the policy document", [r.address]), "expression": d.value} if {
	some r in subjects
	some d in documents(r)
	not parsed_paths[[r.id, d.path]]
}
