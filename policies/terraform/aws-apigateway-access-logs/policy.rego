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
#   related_kics:
#     1b6799eb-4a7a-4b04-9001-8cceb9999326: KICS also judges aws_api_gateway_method_settings and v2 stages; soc2gate judges REST API stages' access_log_settings
#     625abc0e-f980-4ac9-a775-f7519ee34296: judged on aws_api_gateway_deployment stage settings; soc2gate judges aws_api_gateway_stage
#     982aa526-6970-4c59-8b9b-2ce7e019fe36: KICS checks execution logging (method settings, CloudWatch role); soc2gate checks access logging
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
