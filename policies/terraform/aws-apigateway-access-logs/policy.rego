# METADATA
# title: API Gateway stages write access logs
# description: >-
#   aws_api_gateway_stage and aws_apigatewayv2_stage must have access_log_settings with a
#   destination_arn, so every API request is recorded.
# custom:
#   id: TF-051
#   severity: low
#   resource_types: [aws_api_gateway_stage, aws_apigatewayv2_stage]
#   controls:
#     CC7.2: Security-relevant events are recorded so anomalies can be detected.
#     CC7.3: Recorded events support the evaluation of security incidents.
#     A1.2: Request records support investigating availability incidents.
#   checkov: [CKV_AWS_76]
#   kics: []
#   remediation: |
#     access_log_settings {
#       destination_arn = aws_cloudwatch_log_group.api.arn
#       format          = jsonencode({ requestId = "$context.requestId", status = "$context.status" })
#     }
package soc2gate.policies.terraform.aws_apigateway_access_logs

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "access_log_settings", "stage has no access logging (access_log_settings.destination_arn)") if {
	some r in tf.resources_of(["aws_api_gateway_stage", "aws_apigatewayv2_stage"])
	not tf.is_set(object.get(tf.block(r.attributes, "access_log_settings"), "destination_arn", null))
}
