# METADATA
# title: Amazon MQ brokers are not publicly accessible
# description: >-
#   aws_mq_broker must not set publicly_accessible = true, which gives the broker's endpoints
#   public addresses outside the VPC. The provider default is false.
# custom:
#   id: TF-171
#   severity: high
#   resource_types: [aws_mq_broker]
#   controls:
#     CC6.1: Logical access to the resource is restricted to authorized users.
#     CC6.6: The system boundary blocks access from outside sources that are not authorized.
#   inconclusive_if_unknown: [publicly_accessible]
#   checkov: [CKV_AWS_69]
#   kics: [4eb5f791-c861-4afd-9f94-f2a6a3fe49cb]
#   remediation: |
#     resource "aws_mq_broker" "events" {
#       broker_name         = "events"
#       engine_type         = "ActiveMQ"
#       publicly_accessible = false
#     }
package soc2gate.policies.terraform.aws_mq_not_public

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "publicly_accessible", "broker is publicly accessible") if {
	some r in tf.resources("aws_mq_broker")
	tf.is_true(tf.attr(r, "publicly_accessible"))
}
