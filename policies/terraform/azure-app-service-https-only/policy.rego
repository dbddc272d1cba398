# METADATA
# title: Azure App Service and Function Apps accept only HTTPS
# description: >-
#   Without HTTPS-only, a web or function app also serves plain HTTP, exposing session
#   cookies, tokens and data on the network. Fails when `https_only` is absent (default
#   false) or false on App Service, web app, function app and their deployment slots.
# custom:
#   id: TF-141
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
#     CC6.7: Traffic to the application is encrypted in transit.
#     CC6.1: Credentials and session tokens are not sent over plain HTTP.
#   checkov: [CKV_AZURE_14, CKV_AZURE_70]
#   kics: [11e9a948-c6c3-4a0f-8dcf-b5cf1763cdbe]
#   remediation: |
#     resource "azurerm_linux_web_app" "app" {
#       name                = "acme-app"
#       location            = azurerm_resource_group.main.location
#       resource_group_name = azurerm_resource_group.main.name
#       service_plan_id     = azurerm_service_plan.main.id
#       https_only          = true
#       site_config {
#         minimum_tls_version = "1.2"
#       }
#     }
package soc2gate.policies.terraform.azure_app_service_https_only

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

deny contains tf.fail(r, "https_only", "the app also serves plain HTTP (https_only is not true)") if {
	some r in tf.resources_of(app_types)
	not tf.is_true(tf.attr(r, "https_only"))
}
