# METADATA
# title: Azure SQL servers require TLS 1.2 or later
# description: >-
#   TLS 1.0 and 1.1 have known weaknesses and are retired by Azure SQL. Fails when an
#   `azurerm_mssql_server` sets `minimum_tls_version` to 1.0, 1.1 or Disabled. Absent
#   passes: 1.2 is the default since azurerm 3.0.
# custom:
#   id: TF-137
#   severity: medium
#   resource_types: [azurerm_mssql_server]
#   controls:
#     CC6.7: Connections to the database use current TLS versions only.
#     CC6.1: Database credentials are protected in transit.
#   inconclusive_if_unknown: [minimum_tls_version]
#   checkov: [CKV_AZURE_52]
#   kics: []
#   remediation: |
#     resource "azurerm_mssql_server" "sql" {
#       name                = "acme-sql"
#       resource_group_name = azurerm_resource_group.main.name
#       location            = azurerm_resource_group.main.location
#       version             = "12.0"
#       minimum_tls_version = "1.2"
#     }
package soc2gate.policies.terraform.azure_sql_min_tls

import data.soc2gate.lib.terraform as tf
import rego.v1

weak := {"1", "1.0", "1.1", "disabled"}

deny contains tf.fail(r, "minimum_tls_version", sprintf("minimum TLS version is %v (require 1.2)", [version])) if {
	some r in tf.resources("azurerm_mssql_server")
	version := tf.attr(r, "minimum_tls_version")
	lower(sprintf("%v", [version])) in weak
}
