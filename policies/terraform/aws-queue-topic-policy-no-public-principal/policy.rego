# METADATA
# title: SQS queue and SNS topic policies do not allow anonymous principals
# description: >-
#   A queue or topic policy statement with Effect Allow and Principal "*" (or AWS "*") lets anyone
#   on the internet send, read or subscribe, unless a Condition pins the caller (a restricting key
#   with a positive operator and values that are not wildcards, as for TF-029: aws:SourceArn,
#   aws:SourceAccount, aws:PrincipalOrgID, aws:SourceVpce and similar). Checked in the policy of
#   aws_sqs_queue, aws_sqs_queue_policy, aws_sns_topic and aws_sns_topic_policy; JSON strings,
#   heredocs, jsonencode({...}) and aws_iam_policy_document data sources are read.
# custom:
#   id: TF-166
#   severity: high
#   resource_types: [aws_sqs_queue, aws_sqs_queue_policy, aws_sns_topic, aws_sns_topic_policy]
#   controls:
#     CC6.1: Logical access to the queue or topic is restricted to authorized principals.
#     CC6.6: The system boundary blocks access from outside sources that are not authorized.
#   checkov: []
#   kics: [b26d2b7e-60f6-413d-a3a1-a57db24aa2b3]
#   related_kics:
#     730675f9-52ed-49b6-8ead-0acb5dd7df7f: KICS fails a wildcard principal whatever the Condition; soc2gate accepts conditions that pin the caller (aws:SourceIp, aws:SourceArn, ...)
#     abb06e5f-ef9a-4a99-98c6-376d396bfcdf: KICS fails a wildcard principal whatever the Condition; soc2gate accepts conditions that pin the caller (aws:SourceIp, aws:SourceArn, ...)
#   remediation: |
#     resource "aws_sqs_queue_policy" "jobs" {
#       queue_url = aws_sqs_queue.jobs.id
#       policy = jsonencode({
#         Version = "2012-10-17"
#         Statement = [{
#           Effect    = "Allow"
#           Principal = { Service = "sns.amazonaws.com" }
#           Action    = "sqs:SendMessage"
#           Resource  = aws_sqs_queue.jobs.arn
#           Condition = { ArnEquals = { "aws:SourceArn" = aws_sns_topic.events.arn } }
#         }]
#       })
#     }
package soc2gate.policies.terraform.aws_queue_topic_policy_no_public_principal

import data.soc2gate.lib.aws_iam as iam
import data.soc2gate.lib.terraform as tf
import rego.v1

types := ["aws_sqs_queue", "aws_sqs_queue_policy", "aws_sns_topic", "aws_sns_topic_policy"]

policies contains [r, v] if {
	some type in types
	some r in tf.resources(type)
	v := tf.attr(r, "policy")
	v != null
}

public(s) if {
	iam.allows(s)
	iam.public_principal(s)
	not iam.restricted(s)
}

deny contains tf.fail_certain(r, "policy", "policy allows any principal (*) without a condition restricting the caller") if {
	some [r, v] in policies
	some s in iam.statements(r, v)
	public(s)
}

inconclusive contains {"resource": r.id, "path": "policy", "message": sprintf("%s: a policy statement's principal or effect is unresolved", [r.address]), "expression": v} if {
	some [r, v] in policies
	statements := iam.statements(r, v)
	not any_public(statements)
	some s in statements
	iam.principal_may_be_public(r, s)
	not iam.restricted(s)
}

inconclusive contains {"resource": r.id, "path": "policy", "message": sprintf("%s: cannot read the policy", [r.address]), "expression": v} if {
	some [r, v] in policies
	iam.undecodable(r, v)
}

any_public(statements) if {
	some s in statements
	public(s)
}
