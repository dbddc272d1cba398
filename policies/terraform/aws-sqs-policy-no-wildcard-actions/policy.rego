# METADATA
# title: SQS queue policies do not allow every action
# description: >-
#   A queue policy statement with Effect Allow and Action "*" or "sqs:*" grants every queue
#   operation (purge, delete, change the policy itself) to its principals; grant the actions
#   the producers and consumers need (sqs:SendMessage, sqs:ReceiveMessage, ...). Checked in the
#   policy of aws_sqs_queue and aws_sqs_queue_policy, whatever the principal and conditions.
# custom:
#   id: TF-167
#   severity: medium
#   resource_types: [aws_sqs_queue, aws_sqs_queue_policy]
#   controls:
#     CC6.1: Access to the queue follows least privilege.
#     CC6.3: Permissions are limited to the operations each role needs.
#   checkov: []
#   kics: [816ea8cf-d589-442d-a917-2dd0ce0e45e3]
#   remediation: |
#     resource "aws_sqs_queue_policy" "jobs" {
#       queue_url = aws_sqs_queue.jobs.id
#       policy = jsonencode({
#         Version = "2012-10-17"
#         Statement = [{
#           Effect    = "Allow"
#           Principal = { AWS = "arn:aws:iam::111122223333:role/producer" }
#           Action    = "sqs:SendMessage"
#           Resource  = aws_sqs_queue.jobs.arn
#         }]
#       })
#     }
package soc2gate.policies.terraform.aws_sqs_policy_no_wildcard_actions

import data.soc2gate.lib.aws_iam as iam
import data.soc2gate.lib.terraform as tf
import rego.v1

policies contains [r, v] if {
	some type in ["aws_sqs_queue", "aws_sqs_queue_policy"]
	some r in tf.resources(type)
	v := tf.attr(r, "policy")
	v != null
}

deny contains tf.fail_certain(r, "policy", "queue policy allows every action (\"*\" or \"sqs:*\"): grant only the actions needed") if {
	some [r, v] in policies
	some s in iam.statements(r, v)
	iam.allows(s)
	iam.grants_all_of(s, "sqs")
}

inconclusive contains {"resource": r.id, "path": "policy", "message": sprintf("%s: a statement's actions are unresolved", [r.address]), "expression": v} if {
	some [r, v] in policies
	statements := iam.statements(r, v)
	not any_wildcard(statements)
	some s in statements
	some a in s.actions
	iam.marked(a)
}

inconclusive contains {"resource": r.id, "path": "policy", "message": sprintf("%s: cannot read the policy", [r.address]), "expression": v} if {
	some [r, v] in policies
	iam.undecodable(r, v)
}

any_wildcard(statements) if {
	some s in statements
	iam.allows(s)
	iam.grants_all_of(s, "sqs")
}
