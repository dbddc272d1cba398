# METADATA
# title: Azure PostgreSQL single servers have threat detection enabled
# description: >-
#   Threat detection (Microsoft Defender for open-source relational databases) alerts on
#   anomalous access such as brute-force logins, SQL injection and access from unusual
#   locations. Fails for an azurerm_postgresql_server without a threat_detection_policy block or
#   whose block does not set enabled = true: the provider's default is off.
# custom:
#   id: TF-201
#   severity: medium
#   resource_types: [azurerm_postgresql_server]
#   controls:
#     CC7.2: Database activity is monitored for anomalies that indicate attacks.
#   inconclusive_if_unknown: [threat_detection_policy.enabled]
#   checkov: [CKV_AZURE_128]
#   kics: [c407c3cf-c409-4b29-b590-db5f4138d332]
#   remediation: |
#     resource "azurerm_postgresql_server" "db" {
#       # ...
#       threat_detection_policy {
#         enabled              = true
#         email_account_admins = true
#       }
#     }
package soc2gate.policies.terraform.azure_postgresql_threat_detection

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "threat_detection_policy.enabled", "threat detection is off: add threat_detection_policy { enabled = true }") if {
	some r in tf.resources("azurerm_postgresql_server")
	not tf.unknown(r, "threat_detection_policy.enabled")
	not tf.is_true(tf.value(r, tf.block(r.attributes, "threat_detection_policy"), "enabled", "threat_detection_policy.enabled"))
}
