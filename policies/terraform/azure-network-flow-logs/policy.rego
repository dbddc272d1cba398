# METADATA
# title: Azure NSG flow logs are enabled
# description: >-
#   Network Watcher flow logs record the traffic each network security group allows and
#   denies, the record needed to spot scanning, exfiltration and unexpected connections.
#   Fails for an `azurerm_network_watcher_flow_log` with `enabled = false`. (Retention is
#   a separate concern: keep flow logs at least as long as your log retention policy says.)
# custom:
#   id: TF-148
#   severity: medium
#   resource_types: [azurerm_network_watcher_flow_log]
#   controls:
#     CC7.2: Flow records let anomalous network activity be detected.
#     CC7.3: Flow records are evidence for evaluating security events.
#   inconclusive_if_unknown: [enabled]
#   checkov: []
#   kics: [b90842e5-6779-44d4-9760-972f4c03ba1c]
#   remediation: |
#     resource "azurerm_network_watcher_flow_log" "app" {
#       name                      = "app-nsg"
#       network_watcher_name      = azurerm_network_watcher.main.name
#       resource_group_name       = azurerm_resource_group.main.name
#       network_security_group_id = azurerm_network_security_group.app.id
#       storage_account_id        = azurerm_storage_account.logs.id
#       enabled                   = true
#       retention_policy {
#         enabled = true
#         days    = 90
#       }
#     }
package soc2gate.policies.terraform.azure_network_flow_logs

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "enabled", "the flow log is disabled") if {
	some r in tf.resources("azurerm_network_watcher_flow_log")
	tf.is_false(tf.attr(r, "enabled"))
}
