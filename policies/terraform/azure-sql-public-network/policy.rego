# METADATA
# title: Azure database servers disable public network access
# description: >-
#   With public network access enabled (the provider default) a database server's public
#   endpoint accepts connections from any address its firewall rules allow; with it
#   disabled, clients reach the server only through private endpoints. Fails when
#   `public_network_access_enabled` is absent or true on an Azure SQL server or a
#   PostgreSQL, MySQL or MariaDB single server.
# custom:
#   id: TF-136
#   severity: high
#   resource_types: [azurerm_mssql_server, azurerm_postgresql_server, azurerm_mysql_server, azurerm_mariadb_server]
#   controls:
#     CC6.6: The database is not reachable from outside the private network boundary.
#     CC6.1: Network access to the database passes through private endpoints only.
#   inconclusive_if_unknown: [public_network_access_enabled]
#   checkov: [CKV_AZURE_113, CKV_AZURE_68, CKV_AZURE_53]
#   kics: [ade36cf4-329f-4830-a83d-9db72c800507, f118890b-2468-42b1-9ce9-af35146b425b, 7f0a8696-7159-4337-ad0d-8a3ab4a78195]
#   remediation: |
#     resource "azurerm_mssql_server" "sql" {
#       name                          = "acme-sql"
#       resource_group_name           = azurerm_resource_group.main.name
#       location                      = azurerm_resource_group.main.location
#       version                       = "12.0"
#       minimum_tls_version           = "1.2"
#       public_network_access_enabled = false
#       azuread_administrator {
#         login_username              = "sql-admins"
#         object_id                   = var.sql_admins_group_id
#         azuread_authentication_only = true
#       }
#     }
package soc2gate.policies.terraform.azure_sql_public_network

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "public_network_access_enabled", "public network access is enabled (it is unless set to false)") if {
	some r in tf.resources_of(["azurerm_mssql_server", "azurerm_postgresql_server", "azurerm_mysql_server", "azurerm_mariadb_server"])
	not tf.is_false(tf.attr(r, "public_network_access_enabled"))
}
