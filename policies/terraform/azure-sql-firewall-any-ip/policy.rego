# METADATA
# title: Azure database firewall rules do not allow every IP address
# description: >-
#   A server firewall rule from 0.0.0.0 to 255.255.255.255 lets the whole internet try to
#   log in. Fails for SQL, PostgreSQL, MySQL and MariaDB firewall rules (single and
#   flexible servers) that span that range. The special 0.0.0.0 - 0.0.0.0 rule ("allow
#   Azure services") is not judged here.
# custom:
#   id: TF-138
#   severity: critical
#   resource_types:
#     - azurerm_sql_firewall_rule
#     - azurerm_mssql_firewall_rule
#     - azurerm_postgresql_firewall_rule
#     - azurerm_postgresql_flexible_server_firewall_rule
#     - azurerm_mysql_firewall_rule
#     - azurerm_mysql_flexible_server_firewall_rule
#     - azurerm_mariadb_firewall_rule
#   controls:
#     CC6.6: Database endpoints are not open to every internet address.
#     CC6.1: Network access to databases is limited to declared addresses.
#   inconclusive_if_unknown: [start_ip_address, end_ip_address]
#   checkov: [CKV_AZURE_11]
#   kics: [25c0ea09-f1c5-4380-b055-3b83863f2bb8]
#   remediation: |
#     resource "azurerm_mssql_firewall_rule" "office" {
#       name             = "office"
#       server_id        = azurerm_mssql_server.sql.id
#       start_ip_address = "203.0.113.0"
#       end_ip_address   = "203.0.113.255"
#     }
package soc2gate.policies.terraform.azure_sql_firewall_any_ip

import data.soc2gate.lib.terraform as tf
import rego.v1

rule_types := [
	"azurerm_sql_firewall_rule",
	"azurerm_mssql_firewall_rule",
	"azurerm_postgresql_firewall_rule",
	"azurerm_postgresql_flexible_server_firewall_rule",
	"azurerm_mysql_firewall_rule",
	"azurerm_mysql_flexible_server_firewall_rule",
	"azurerm_mariadb_firewall_rule",
]

deny contains tf.fail(r, "end_ip_address", "firewall rule allows every IP address (0.0.0.0 - 255.255.255.255)") if {
	some r in tf.resources_of(rule_types)
	tf.attr(r, "start_ip_address") == "0.0.0.0"
	tf.attr(r, "end_ip_address") == "255.255.255.255"
}
