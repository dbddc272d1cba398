# METADATA
# title: Azure storage accounts deny network access by default
# description: >-
#   A storage account accepts connections from every network unless its firewall's
#   default action is Deny (then only listed IP ranges, subnets and trusted services get
#   through) or public network access is disabled. Fails when `network_rules` (inline or
#   a linked `azurerm_storage_account_network_rules`) has `default_action = "Allow"`, when
#   `ip_rules` contain 0.0.0.0/0, and when an account with public network access has no
#   network rules at all.
# custom:
#   id: TF-133
#   severity: medium
#   resource_types: [azurerm_storage_account, azurerm_storage_account_network_rules]
#   controls:
#     CC6.6: Storage endpoints are closed to networks outside the declared boundary.
#     CC6.1: Network access to stored data is limited to approved networks and services.
#   inconclusive_if_unknown: [public_network_access_enabled, network_rules, default_action, ip_rules]
#   checkov: [CKV_AZURE_35]
#   related_checkov:
#     CKV_AZURE_59: checkov requires public_network_access_enabled = false; soc2gate also accepts network rules whose default_action is Deny
#   kics: [a5613650-32ec-4975-a305-31af783153ea]
#   remediation: |
#     resource "azurerm_storage_account" "data" {
#       name                     = "acmedata"
#       resource_group_name      = azurerm_resource_group.main.name
#       location                 = azurerm_resource_group.main.location
#       account_tier             = "Standard"
#       account_replication_type = "GRS"
#       network_rules {
#         default_action             = "Deny"
#         bypass                     = ["AzureServices"]
#         virtual_network_subnet_ids = [azurerm_subnet.app.id]
#       }
#     }
package soc2gate.policies.terraform.azure_storage_network_access

import data.soc2gate.lib.terraform as tf
import rego.v1

rules_type := "azurerm_storage_account_network_rules"

# Accounts whose public endpoint is not switched off.
public_accounts contains r if {
	some r in tf.resources("azurerm_storage_account")
	not tf.is_false(tf.attr(r, "public_network_access_enabled"))
}

deny contains tf.fail(r, "network_rules.default_action", "network rules allow every network by default (default_action is not Deny)") if {
	some r in public_accounts
	some rules in tf.blocks(r.attributes, "network_rules")
	not denies(rules)
}

deny contains tf.fail(r, "network_rules.ip_rules", sprintf("network rules allow %s", [cidr])) if {
	some r in public_accounts
	some rules in tf.blocks(r.attributes, "network_rules")
	some cidr in list_of(object.get(rules, "ip_rules", []))
	tf.open_cidr(cidr)
}

deny contains tf.fail(r, sprintf("links.%s", [rules_type]), "account has no network rules: every network can reach it (public_network_access_enabled is not false)") if {
	some r in public_accounts
	count(tf.blocks(r.attributes, "network_rules")) == 0
	count(tf.links(r, rules_type)) == 0
}

deny contains tf.fail(r, "default_action", "network rules allow every network by default (default_action is not Deny)") if {
	some r in tf.resources(rules_type)
	not denies(r.attributes)
}

deny contains tf.fail(r, "ip_rules", sprintf("network rules allow %s", [cidr])) if {
	some r in tf.resources(rules_type)
	some cidr in list_of(object.get(r.attributes, "ip_rules", []))
	tf.open_cidr(cidr)
}

denies(rules) if lower(sprintf("%v", [object.get(rules, "default_action", "")])) == "deny"

list_of(v) := v if {
	is_array(v)
} else := []
