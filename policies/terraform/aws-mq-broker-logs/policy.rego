# METADATA
# title: Amazon MQ brokers publish general and audit logs
# description: >-
#   aws_mq_broker must set logs { general = true } and, for ActiveMQ brokers, audit = true (audit
#   logs record management actions made through JMX or the web console; RabbitMQ brokers have no
#   audit log). Both default to false, so a broker without a logs block publishes nothing to
#   CloudWatch Logs. An engine_type soc2gate cannot resolve leaves the audit requirement undecided.
# custom:
#   id: TF-172
#   severity: medium
#   resource_types: [aws_mq_broker]
#   controls:
#     CC7.2: Security-relevant events are recorded so anomalies can be detected.
#     CC7.3: Recorded events support the evaluation of security incidents.
#   related_checkov:
#     CKV_AWS_48: checkov only requires general logs, not the ActiveMQ audit log
#   kics: [31245f98-a6a9-4182-9fc1-45482b9d030a]
#   remediation: |
#     resource "aws_mq_broker" "events" {
#       broker_name = "events"
#       engine_type = "ActiveMQ"
#       logs {
#         general = true
#         audit   = true
#       }
#     }
package soc2gate.policies.terraform.aws_mq_broker_logs

import data.soc2gate.lib.terraform as tf
import rego.v1

logs(r) := tf.block(r.attributes, "logs")

deny contains tf.fail(r, "logs.general", "broker does not publish general logs: set logs { general = true }") if {
	some r in tf.resources("aws_mq_broker")
	not tf.is_true(object.get(logs(r), "general", null))
}

deny contains tf.fail(r, "logs.audit", "ActiveMQ broker does not publish audit logs: set logs { audit = true }") if {
	some r in tf.resources("aws_mq_broker")
	not tf.unknown(r, "engine_type")
	lower(sprintf("%v", [tf.attr(r, "engine_type")])) != "rabbitmq"
	not tf.is_true(object.get(logs(r), "audit", null))
}

# The engine decides whether an audit log exists: unresolved, the audit requirement is undecided.
deny contains tf.fail(r, "engine_type", "ActiveMQ brokers must publish audit logs: set logs { audit = true }") if {
	some r in tf.resources("aws_mq_broker")
	tf.unknown(r, "engine_type")
	not tf.is_true(object.get(logs(r), "audit", null))
}
