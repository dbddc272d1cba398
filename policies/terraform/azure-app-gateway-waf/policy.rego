# METADATA
# title: Azure application gateways inspect traffic with a web application firewall
# description: >-
#   A web application firewall in front of internet-facing applications blocks common attacks
#   (OWASP Core Rule Set: injection, cross-site scripting, protocol violations) before they
#   reach the backends. An azurerm_application_gateway passes when it has a
#   waf_configuration block with enabled = true or a firewall_policy_id (a WAF policy, WAF_v2
#   SKU); it fails when waf_configuration sets enabled = false or when it has neither.
# custom:
#   id: TF-197
#   severity: medium
#   resource_types: [azurerm_application_gateway]
#   controls:
#     CC6.6: Web traffic from outside the system boundary is filtered for known attack patterns.
#     CC7.2: WAF detections are a source of security events.
#   inconclusive_if_unknown: [waf_configuration.enabled]
#   checkov: []
#   kics: [2e48d91c-50e4-45c8-9312-27b625868a72]
#   remediation: |
#     resource "azurerm_application_gateway" "web" {
#       # ...
#       sku {
#         name = "WAF_v2"
#         tier = "WAF_v2"
#       }
#       waf_configuration {
#         enabled          = true
#         firewall_mode    = "Prevention"
#         rule_set_version = "3.2"
#       }
#     }
package soc2gate.policies.terraform.azure_app_gateway_waf

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "waf_configuration.enabled", "the web application firewall is disabled") if {
	some r in tf.resources("azurerm_application_gateway")
	some waf in tf.blocks(r.attributes, "waf_configuration")
	tf.is_false(object.get(waf, "enabled", null))
	not tf.is_set(tf.attr(r, "firewall_policy_id"))
}

deny contains tf.fail(r, "firewall_policy_id", "no web application firewall: add waf_configuration { enabled = true } or a firewall_policy_id") if {
	some r in tf.resources("azurerm_application_gateway")
	count(tf.blocks(r.attributes, "waf_configuration")) == 0
	not tf.known_set(r, "firewall_policy_id")
}
