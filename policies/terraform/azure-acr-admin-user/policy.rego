# METADATA
# title: Azure container registries disable the admin user
# description: >-
#   azurerm_container_registry must not set admin_enabled = true. The admin user is one shared
#   username and password with push and pull rights on the whole registry, not tied to any
#   identity, so its use cannot be attributed or scoped; Microsoft Entra identities and
#   repository-scoped tokens replace it. The provider default is false.
# custom:
#   id: TF-190
#   severity: medium
#   resource_types: [azurerm_container_registry]
#   controls:
#     CC6.1: Access to images goes through individual, attributable identities.
#     CC6.2: No shared credential outside the identity lifecycle grants registry access.
#   inconclusive_if_unknown: [admin_enabled]
#   checkov: [CKV_AZURE_137]
#   kics: [b897dfbf-322c-45a8-b67c-1e698beeaa51]
#   remediation: |
#     resource "azurerm_container_registry" "acr" {
#       name                = "acmeregistry"
#       resource_group_name = azurerm_resource_group.main.name
#       location            = azurerm_resource_group.main.location
#       sku                 = "Premium"
#       admin_enabled       = false
#     }
package soc2gate.policies.terraform.azure_acr_admin_user

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "admin_enabled", "the registry's shared admin user is enabled") if {
	some r in tf.resources("azurerm_container_registry")
	tf.is_true(tf.attr(r, "admin_enabled"))
}
