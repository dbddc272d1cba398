# METADATA
# title: VPCs have flow logs
# description: >-
#   Every aws_vpc needs an aws_flow_log whose vpc_id references it (or names it literally), so
#   accepted and rejected traffic is recorded. A flow log whose vpc_id cannot be resolved makes
#   the result inconclusive.
# custom:
#   id: TF-048
#   severity: medium
#   resource_types: [aws_vpc]
#   controls:
#     CC7.2: Security-relevant events are recorded so anomalies can be detected.
#     CC7.3: Recorded events support the evaluation of security incidents.
#     CC6.6: Traffic crossing the boundary is recorded for review.
#   checkov: [CKV2_AWS_11]
#   kics: [f83121ea-03da-434f-9277-9cd247ab3047]
#   remediation: |
#     resource "aws_flow_log" "main" {
#       vpc_id          = aws_vpc.main.id
#       traffic_type    = "ALL"
#       log_destination = aws_s3_bucket.flow_logs.arn
#     }
package soc2gate.policies.terraform.aws_vpc_flow_logs

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "links.aws_flow_log", "VPC has no flow log (add aws_flow_log with vpc_id)") if {
	some r in tf.resources("aws_vpc")
	count(tf.links(r, "aws_flow_log")) == 0
}
