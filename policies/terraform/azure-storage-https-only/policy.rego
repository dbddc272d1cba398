# METADATA
# title: Azure storage accounts accept only HTTPS
# description: >-
#   With secure transfer required, the storage account rejects plain HTTP and unencrypted
#   SMB connections. Fails when `https_traffic_only_enabled` (azurerm 4.x) or
#   `enable_https_traffic_only` (azurerm 2.x-3.x) is false. Absent passes: secure transfer
#   has been the provider default since azurerm 2.0.
# custom:
#   id: TF-130
#   severity: high
#   resource_types: [azurerm_storage_account]
#   controls:
#     CC6.7: Data moving to and from storage is encrypted in transit.
#     CC6.2: Access keys and SAS tokens are never sent over unencrypted connections.
#   inconclusive_if_unknown: [https_traffic_only_enabled, enable_https_traffic_only]
#   checkov: [CKV_AZURE_3]
#   kics: [12944ec4-1fa0-47be-8b17-42a034f937c2]
#   remediation: |
#     resource "azurerm_storage_account" "data" {
#       name                       = "acmedata"
#       resource_group_name        = azurerm_resource_group.main.name
#       location                   = azurerm_resource_group.main.location
#       account_tier               = "Standard"
#       account_replication_type   = "GRS"
#       https_traffic_only_enabled = true
#       min_tls_version            = "TLS1_2"
#     }
package soc2gate.policies.terraform.azure_storage_https_only

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, key, sprintf("%s = false: the account accepts unencrypted HTTP", [key])) if {
	some r in tf.resources("azurerm_storage_account")
	some key in ["https_traffic_only_enabled", "enable_https_traffic_only"]
	tf.is_false(tf.attr(r, key))
}
