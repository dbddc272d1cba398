# METADATA
# title: Azure Cosmos DB accounts restrict network access
# description: >-
#   Without an IP firewall, virtual network rules or private-only access, a Cosmos DB account
#   accepts connections from any address (key or token still required). An
#   azurerm_cosmosdb_account passes when public_network_access_enabled = false, when
#   ip_range_filter lists addresses (a string in azurerm 3.x, a set in 4.x), or when
#   is_virtual_network_filter_enabled = true with at least one virtual_network_rule; otherwise
#   it fails (the provider's defaults: public access on, no filter).
# custom:
#   id: TF-199
#   severity: high
#   resource_types: [azurerm_cosmosdb_account]
#   controls:
#     CC6.6: The database endpoint is reachable only from declared networks.
#     CC6.1: Network access to stored data is limited to declared addresses.
#   inconclusive_if_unknown: [public_network_access_enabled, is_virtual_network_filter_enabled]
#   checkov: []
#   related_checkov:
#     CKV_AZURE_99: checkov accepts ip_range_filter only together with is_virtual_network_filter_enabled = true
#   kics: [c2a3efb6-8a58-481c-82f2-bfddf34bb4b7]
#   remediation: |
#     resource "azurerm_cosmosdb_account" "db" {
#       # ...
#       public_network_access_enabled = false   # private endpoints only
#       # or: ip_range_filter = ["203.0.113.0/24"]
#     }
package soc2gate.policies.terraform.azure_cosmosdb_network_access

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "ip_range_filter", "the account accepts connections from any address: set ip_range_filter, virtual network rules or public_network_access_enabled = false") if {
	some r in tf.resources("azurerm_cosmosdb_account")
	not tf.is_false(tf.attr(r, "public_network_access_enabled"))
	not tf.unknown(r, "public_network_access_enabled")
	not tf.unknown(r, "is_virtual_network_filter_enabled")
	not tf.known_set(r, "ip_range_filter")
	not vnet_filtered(r)
}

vnet_filtered(r) if {
	tf.is_true(tf.attr(r, "is_virtual_network_filter_enabled"))
	count(tf.blocks(r.attributes, "virtual_network_rule")) > 0
}
