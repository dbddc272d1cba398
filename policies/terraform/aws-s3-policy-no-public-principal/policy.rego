# METADATA
# title: S3 bucket policies do not allow anonymous principals
# description: >-
#   A bucket policy statement with Effect Allow and Principal "*" (or AWS "*") grants the action
#   to anyone on the internet unless a Condition pins it to known callers (aws:SourceIp,
#   aws:SourceVpc(e), aws:SourceArn/Account, aws:PrincipalOrgID/Account/Arn and similar keys, as
#   AWS Block Public Access evaluates it). Checked in aws_s3_bucket_policy and the inline policy
#   of aws_s3_bucket; JSON strings, heredocs, jsonencode({...}) and aws_iam_policy_document data
#   sources are read.
# custom:
#   id: TF-029
#   severity: critical
#   resource_types: [aws_s3_bucket_policy, aws_s3_bucket]
#   controls:
#     CC6.1: Logical access to the resource is restricted to authorized users.
#     CC6.6: The system boundary blocks access from outside sources that are not authorized.
#     C1.1: Confidential objects are not readable by the public.
#   checkov: [CKV_AWS_70]
#   kics: []
#   related_kics:
#     7af43613-6bb9-4a0e-8c4d-1314b799425e: KICS fails a wildcard principal whatever the Condition; soc2gate accepts conditions that pin the caller (aws:SourceIp, aws:SourceVpce, ...)
#     1df37f4b-7197-45ce-83f8-9994d2fcf885: KICS judges only statements granting that action and ignores conditions; soc2gate judges every action and accepts conditions that pin the caller
#     ffdf4b37-7703-4dfe-a682-9d2e99bc6c09: KICS judges only statements granting that action and ignores conditions; soc2gate judges every action and accepts conditions that pin the caller
#     66c6f96f-2d9e-417e-a998-9058aeeecd44: KICS judges only statements granting that action and ignores conditions; soc2gate judges every action and accepts conditions that pin the caller
#     d24c0755-c028-44b1-b503-8e719c898832: KICS judges only statements granting that action and ignores conditions; soc2gate judges every action and accepts conditions that pin the caller
#   remediation: |
#     resource "aws_s3_bucket_policy" "data" {
#       bucket = aws_s3_bucket.data.id
#       policy = jsonencode({
#         Version = "2012-10-17"
#         Statement = [{
#           Effect    = "Allow"
#           Principal = { AWS = "arn:aws:iam::123456789012:role/reader" }
#           Action    = "s3:GetObject"
#           Resource  = "${aws_s3_bucket.data.arn}/*"
#         }]
#       })
#     }
package soc2gate.policies.terraform.aws_s3_policy_no_public_principal

import data.soc2gate.lib.terraform as tf
import data.soc2gate.lib.aws_iam as iam
import rego.v1

public(s) if {
	iam.allows(s)
	iam.public_principal(s)
	not iam.restricted(s)
}

maybe_public(r, s) if {
	iam.principal_may_be_public(r, s)
	not iam.restricted(s)
}

policies contains [r, v] if {
	some r in tf.resources_of(["aws_s3_bucket_policy", "aws_s3_bucket"])
	v := tf.attr(r, "policy")
	v != null
}

deny contains tf.fail_certain(r, "policy", "bucket policy allows any principal (*) without a condition restricting the caller") if {
	some [r, v] in policies
	some s in iam.statements(r, v)
	public(s)
}

deny contains tf.fail(r, "policy", "bucket policy statement depends on unresolved values") if {
	some [r, v] in policies
	statements := iam.statements(r, v)
	not any_public(statements)
	some s in statements
	maybe_public(r, s)
}

any_public(statements) if {
	some s in statements
	public(s)
}

inconclusive contains {"resource": r.id, "path": "policy", "message": sprintf("%s: cannot read the bucket policy", [r.address]), "expression": v} if {
	some [r, v] in policies
	iam.undecodable(r, v)
}
