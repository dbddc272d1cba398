# METADATA
# title: Azure App Service and Function Apps require TLS 1.2 or later
# description: >-
#   TLS 1.0 and 1.1 have known weaknesses. Fails when `site_config.min_tls_version`
#   (azurerm 2.x) or `site_config.minimum_tls_version` / `scm_minimum_tls_version`
#   (azurerm 3.x+) is below 1.2. Absent passes: 1.2 is the platform and provider default.
# custom:
#   id: TF-142
#   severity: medium
#   resource_types:
#     - azurerm_app_service
#     - azurerm_app_service_slot
#     - azurerm_linux_web_app
#     - azurerm_windows_web_app
#     - azurerm_linux_web_app_slot
#     - azurerm_windows_web_app_slot
#     - azurerm_function_app
#     - azurerm_function_app_slot
#     - azurerm_linux_function_app
#     - azurerm_windows_function_app
#     - azurerm_linux_function_app_slot
#     - azurerm_windows_function_app_slot
#   controls:
#     CC6.7: Traffic to the application uses current TLS versions only.
#     CC6.6: Protocol downgrade attacks against the public endpoint are prevented.
#   inconclusive_if_unknown: [site_config]
#   checkov: [CKV_AZURE_145]
#   related_checkov:
#     CKV_AZURE_15: soc2gate also fails scm_minimum_tls_version below 1.2, which checkov does not read
#   kics: [b7b9d1c7-2d3b-49b4-b867-ebbe68d0b643, 45fc717a-bd86-415c-bdd8-677901be1aa6]
#   remediation: |
#     resource "azurerm_linux_function_app" "fn" {
#       name                       = "acme-fn"
#       location                   = azurerm_resource_group.main.location
#       resource_group_name        = azurerm_resource_group.main.name
#       service_plan_id            = azurerm_service_plan.main.id
#       storage_account_name       = azurerm_storage_account.fn.name
#       storage_account_access_key = azurerm_storage_account.fn.primary_access_key
#       https_only                 = true
#       site_config {
#         minimum_tls_version     = "1.2"
#         scm_minimum_tls_version = "1.2"
#       }
#     }
package soc2gate.policies.terraform.azure_app_service_min_tls

import data.soc2gate.lib.terraform as tf
import rego.v1

app_types := [
	"azurerm_app_service", "azurerm_app_service_slot",
	"azurerm_linux_web_app", "azurerm_windows_web_app",
	"azurerm_linux_web_app_slot", "azurerm_windows_web_app_slot",
	"azurerm_function_app", "azurerm_function_app_slot",
	"azurerm_linux_function_app", "azurerm_windows_function_app",
	"azurerm_linux_function_app_slot", "azurerm_windows_function_app_slot",
]

version_keys := ["min_tls_version", "minimum_tls_version", "scm_min_tls_version", "scm_minimum_tls_version"]

deny contains tf.fail(r, sprintf("site_config.%s", [key]), sprintf("site_config.%s is %v (require 1.2 or later)", [key, version])) if {
	some r in tf.resources_of(app_types)
	some config in tf.blocks(r.attributes, "site_config")
	some key in version_keys
	version := config[key]
	text := sprintf("%v", [version])
	regex.match(`^[0-9]+(\.[0-9]+)?$`, text)
	to_number(text) < 1.2
}
