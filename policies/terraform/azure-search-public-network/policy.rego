# METADATA
# title: Azure AI Search services disable public network access
# description: >-
#   With public network access enabled (the provider default) a search service's endpoint accepts
#   queries from the internet, limited only by allowed_ips and its keys; with it disabled, clients
#   reach it only through private endpoints. Fails when public_network_access_enabled is absent or
#   true on an azurerm_search_service (as TF-136 does for database servers).
# custom:
#   id: TF-191
#   severity: medium
#   resource_types: [azurerm_search_service]
#   controls:
#     CC6.6: The search index is not reachable from outside the private network boundary.
#     CC6.1: Network access to the indexed data passes through private endpoints only.
#   inconclusive_if_unknown: [public_network_access_enabled]
#   checkov: [CKV_AZURE_124]
#   kics: [4a9e0f00-0765-4f72-a0d4-d31110b78279]
#   remediation: |
#     resource "azurerm_search_service" "search" {
#       name                          = "acme-search"
#       resource_group_name           = azurerm_resource_group.main.name
#       location                      = azurerm_resource_group.main.location
#       sku                           = "standard"
#       public_network_access_enabled = false
#     }
package soc2gate.policies.terraform.azure_search_public_network

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "public_network_access_enabled", "public network access is enabled (it is unless set to false)") if {
	some r in tf.resources("azurerm_search_service")
	not tf.is_false(tf.attr(r, "public_network_access_enabled"))
}
