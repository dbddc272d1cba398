# METADATA
# title: ECS clusters have Container Insights
# description: >-
#   aws_ecs_cluster must set setting { name = "containerInsights", value = "enabled" } (or
#   "enhanced"), which collects task and service metrics, failures and restarts into CloudWatch.
#   A cluster without the setting takes the account default: it passes when the configuration
#   sets aws_ecs_account_setting_default containerInsights to enabled or enhanced, and fails
#   otherwise (the AWS default is disabled).
# custom:
#   id: TF-187
#   severity: low
#   resource_types: [aws_ecs_cluster]
#   controls:
#     CC7.2: System components are monitored for anomalies that indicate malfunction or attack.
#     A1.1: Capacity and performance are monitored.
#   related_checkov:
#     CKV_AWS_65: checkov does not apply an aws_ecs_account_setting_default of the configuration
#   kics: [97cb0688-369a-4d26-b1f7-86c4c91231bc]
#   remediation: |
#     setting {
#       name  = "containerInsights"
#       value = "enabled"
#     }
package soc2gate.policies.terraform.aws_ecs_container_insights

import data.soc2gate.lib.terraform as tf
import rego.v1

on(value) if lower(sprintf("%v", [value])) in {"enabled", "enhanced"}

insights_settings(r) := [s | some s in tf.blocks(r.attributes, "setting"); s.name == "containerInsights"]

account_default_on if {
	some d in tf.resources("aws_ecs_account_setting_default")
	d.attributes.name == "containerInsights"
	on(d.attributes.value)
}

deny contains tf.fail(r, "setting", sprintf("Container Insights is %v: set setting { name = \"containerInsights\", value = \"enabled\" }", [s.value])) if {
	some r in tf.resources("aws_ecs_cluster")
	some s in insights_settings(r)
	not on(s.value)
}

deny contains tf.fail(r, "setting", "Container Insights is off: add setting { name = \"containerInsights\", value = \"enabled\" }") if {
	some r in tf.resources("aws_ecs_cluster")
	count(insights_settings(r)) == 0
	not account_default_on
}
