# METADATA
# title: Azure PostgreSQL servers keep connection and checkpoint logging on
# description: >-
#   PostgreSQL's `log_connections`, `log_disconnections`, `log_checkpoints`,
#   `log_duration` and `connection_throttling` server parameters record who connected,
#   for how long, and slow down password guessing. Fails for an
#   `azurerm_postgresql_configuration` or `azurerm_postgresql_flexible_server_configuration`
#   that sets one of them to `off`.
# custom:
#   id: TF-123
#   severity: medium
#   resource_types: [azurerm_postgresql_configuration, azurerm_postgresql_flexible_server_configuration]
#   controls:
#     CC7.2: Connection and session records let anomalous database access be detected.
#     CC7.3: Database logs are evidence for evaluating security events.
#   inconclusive_if_unknown: [name, value]
#   checkov: [CKV_AZURE_30, CKV_AZURE_31, CKV_AZURE_32]
#   kics:
#     - 3790d386-be81-4dcf-9850-eaa7df6c10d9
#     - c640d783-10c5-4071-b6c1-23507300d333
#     - 07f7134f-9f37-476e-8664-670c218e4702
#     - 16e0879a-c4ae-4ff8-a67d-a2eed5d67b8f
#     - 2b3c671f-1b76-4741-8789-ed1fe0785dc4
#   remediation: |
#     resource "azurerm_postgresql_configuration" "log_connections" {
#       name                = "log_connections"
#       resource_group_name = azurerm_resource_group.main.name
#       server_name         = azurerm_postgresql_server.db.name
#       value               = "on"
#     }
package soc2gate.policies.terraform.azure_postgresql_logging

import data.soc2gate.lib.terraform as tf
import rego.v1

parameters := {"log_connections", "log_disconnections", "log_checkpoints", "log_duration", "connection_throttling"}

deny contains tf.fail(r, "value", sprintf("server parameter %v is turned off", [name])) if {
	some r in tf.resources_of(["azurerm_postgresql_configuration", "azurerm_postgresql_flexible_server_configuration"])
	name := tf.attr(r, "name")
	lower(sprintf("%v", [name])) in parameters
	lower(sprintf("%v", [tf.attr(r, "value")])) == "off"
}
