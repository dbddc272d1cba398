# METADATA
# title: Azure storage accounts require TLS 1.2 or later
# description: >-
#   TLS 1.0 and 1.1 have known weaknesses and are deprecated. Fails when
#   `min_tls_version` is TLS1_0 or TLS1_1. Absent passes: TLS1_2 is the default since
#   azurerm 3.0.
# custom:
#   id: TF-131
#   severity: medium
#   resource_types: [azurerm_storage_account]
#   controls:
#     CC6.7: Data in transit is protected with current TLS versions only.
#     CC6.6: Downgrade attacks against storage endpoints are prevented.
#   inconclusive_if_unknown: [min_tls_version]
#   checkov: [CKV_AZURE_44]
#   kics: [8263f146-5e03-43e0-9cfe-db960d56d1e7]
#   remediation: |
#     resource "azurerm_storage_account" "data" {
#       name                     = "acmedata"
#       resource_group_name      = azurerm_resource_group.main.name
#       location                 = azurerm_resource_group.main.location
#       account_tier             = "Standard"
#       account_replication_type = "GRS"
#       min_tls_version          = "TLS1_2"
#     }
package soc2gate.policies.terraform.azure_storage_min_tls

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "min_tls_version", sprintf("minimum TLS version is %s (require TLS1_2)", [version])) if {
	some r in tf.resources("azurerm_storage_account")
	version := tf.attr(r, "min_tls_version")
	upper(sprintf("%v", [version])) in {"TLS1_0", "TLS1_1"}
}
