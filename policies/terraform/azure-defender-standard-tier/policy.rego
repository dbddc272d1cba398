# METADATA
# title: Microsoft Defender for Cloud plans use the Standard tier
# description: >-
#   An azurerm_security_center_subscription_pricing must set tier = "Standard": the Free tier turns
#   the Defender plan for that resource type off, so its threat detection, vulnerability assessment
#   and security alerts do not run. Every pricing resource of the configuration is judged, whatever
#   its resource_type.
# custom:
#   id: TF-192
#   severity: medium
#   resource_types: [azurerm_security_center_subscription_pricing]
#   controls:
#     CC7.1: Detection tools identify vulnerabilities and configuration changes.
#     CC7.2: System components are monitored for anomalies that indicate attacks.
#   inconclusive_if_unknown: [tier]
#   checkov: [CKV_AZURE_19]
#   kics: [819d50fd-1cdf-45c3-9936-be408aaad93e]
#   remediation: |
#     resource "azurerm_security_center_subscription_pricing" "vms" {
#       tier          = "Standard"
#       resource_type = "VirtualMachines"
#     }
package soc2gate.policies.terraform.azure_defender_standard_tier

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "tier", sprintf("the Defender plan is on the %v tier (off): set tier = \"Standard\"", [tf.attr(r, "tier")])) if {
	some r in tf.resources("azurerm_security_center_subscription_pricing")
	lower(sprintf("%v", [tf.attr(r, "tier")])) != "standard"
}
