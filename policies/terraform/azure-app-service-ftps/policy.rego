# METADATA
# title: Azure App Service and Function Apps allow no unencrypted FTP
# description: >-
#   Plain FTP sends deployment credentials and content unencrypted. Fails when
#   `site_config.ftps_state` is AllAllowed, and when it is absent on the azurerm 2.x
#   resources (`azurerm_app_service`, `azurerm_function_app` and their slots), whose
#   effective default is AllAllowed. The azurerm 3.x+ web and function app resources
#   default to Disabled and pass when it is absent.
# custom:
#   id: TF-147
#   severity: medium
#   resource_types:
#     - azurerm_app_service
#     - azurerm_app_service_slot
#     - azurerm_function_app
#     - azurerm_function_app_slot
#     - azurerm_linux_web_app
#     - azurerm_windows_web_app
#     - azurerm_linux_web_app_slot
#     - azurerm_windows_web_app_slot
#     - azurerm_linux_function_app
#     - azurerm_windows_function_app
#     - azurerm_linux_function_app_slot
#     - azurerm_windows_function_app_slot
#   controls:
#     CC6.7: Deployment traffic and credentials are encrypted in transit.
#     CC8.1: Changes reach the application only through authenticated, protected channels.
#   inconclusive_if_unknown: [site_config]
#   checkov: [CKV_AZURE_78]
#   kics: [85da374f-b00f-4832-9d44-84a1ca1e89f8, 9dab0179-433d-4dff-af8f-0091025691df]
#   remediation: |
#     resource "azurerm_linux_web_app" "app" {
#       name                = "acme-app"
#       location            = azurerm_resource_group.main.location
#       resource_group_name = azurerm_resource_group.main.name
#       service_plan_id     = azurerm_service_plan.main.id
#       site_config {
#         ftps_state = "Disabled"   # or "FtpsOnly"
#       }
#     }
package soc2gate.policies.terraform.azure_app_service_ftps

import data.soc2gate.lib.terraform as tf
import rego.v1

legacy_types := ["azurerm_app_service", "azurerm_app_service_slot", "azurerm_function_app", "azurerm_function_app_slot"]

current_types := [
	"azurerm_linux_web_app", "azurerm_windows_web_app",
	"azurerm_linux_web_app_slot", "azurerm_windows_web_app_slot",
	"azurerm_linux_function_app", "azurerm_windows_function_app",
	"azurerm_linux_function_app_slot", "azurerm_windows_function_app_slot",
]

deny contains tf.fail(r, "site_config.ftps_state", "ftps_state is AllAllowed: plain FTP is accepted") if {
	some r in tf.resources_of(array.concat(legacy_types, current_types))
	some config in tf.blocks(r.attributes, "site_config")
	lower(sprintf("%v", [object.get(config, "ftps_state", "")])) == "allallowed"
}

deny contains tf.fail(r, "site_config.ftps_state", "ftps_state is not set: this resource type defaults to AllAllowed (plain FTP accepted)") if {
	some r in tf.resources_of(legacy_types)
	not ftps_state_set(r)
}

ftps_state_set(r) if {
	some config in tf.blocks(r.attributes, "site_config")
	"ftps_state" in object.keys(config)
}
