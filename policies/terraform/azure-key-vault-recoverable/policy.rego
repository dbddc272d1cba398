# METADATA
# title: Azure Key Vaults are protected against permanent deletion
# description: >-
#   Purge protection keeps deleted vaults, keys and secrets recoverable for the whole
#   soft-delete retention period, even against an administrator or attacker who tries to
#   purge them; losing a key makes all data encrypted with it unrecoverable. Fails when
#   `purge_protection_enabled` is absent (default false) or false, or when the legacy
#   `soft_delete_enabled = false` is set.
# custom:
#   id: TF-140
#   severity: medium
#   resource_types: [azurerm_key_vault]
#   controls:
#     A1.2: Keys and secrets remain recoverable after accidental or malicious deletion.
#     PI1.5: Stored key material is protected against unauthorized permanent removal.
#     CC6.1: Encryption keys that guard data cannot be destroyed outside the retention process.
#   inconclusive_if_unknown: [soft_delete_enabled]
#   checkov: [CKV_AZURE_110, CKV_AZURE_111, CKV_AZURE_42]
#   kics: []
#   remediation: |
#     resource "azurerm_key_vault" "main" {
#       name                       = "acme-kv"
#       location                   = azurerm_resource_group.main.location
#       resource_group_name        = azurerm_resource_group.main.name
#       tenant_id                  = data.azurerm_client_config.current.tenant_id
#       sku_name                   = "standard"
#       purge_protection_enabled   = true
#       soft_delete_retention_days = 90
#     }
package soc2gate.policies.terraform.azure_key_vault_recoverable

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "purge_protection_enabled", "purge protection is not enabled: deleted keys and secrets can be purged permanently") if {
	some r in tf.resources("azurerm_key_vault")
	not tf.is_true(tf.attr(r, "purge_protection_enabled"))
}

deny contains tf.fail(r, "soft_delete_enabled", "soft delete is disabled: deleted keys and secrets are gone immediately") if {
	some r in tf.resources("azurerm_key_vault")
	tf.is_false(tf.attr(r, "soft_delete_enabled"))
}
