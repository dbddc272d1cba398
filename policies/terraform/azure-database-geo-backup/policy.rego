# METADATA
# title: Azure database servers keep geo-redundant backups
# description: >-
#   Geo-redundant backup storage keeps a copy of the automated backups in the paired
#   region, so the database can be restored after a regional outage. Fails when
#   `geo_redundant_backup_enabled` is absent (default false) or false on PostgreSQL, MySQL
#   and MariaDB servers (single and flexible). The Basic tier cannot keep geo-redundant
#   backups: run production data on General Purpose or Memory Optimized.
# custom:
#   id: TF-124
#   severity: low
#   resource_types:
#     - azurerm_postgresql_server
#     - azurerm_mysql_server
#     - azurerm_mariadb_server
#     - azurerm_postgresql_flexible_server
#     - azurerm_mysql_flexible_server
#   controls:
#     A1.2: A backup copy outside the primary region is available for recovery.
#     CC9.1: Regional disruption risk to stored data is mitigated.
#     CC7.5: Restoring from the paired region is part of recovering from an incident.
#   inconclusive_if_unknown: [geo_redundant_backup_enabled]
#   checkov: [CKV_AZURE_102, CKV_AZURE_94]
#   kics: [8b042c30-e441-453f-b162-7696982ebc58, 0a70d5f3-1ecd-4c8e-9292-928fc9a8c4f1]
#   remediation: |
#     resource "azurerm_postgresql_flexible_server" "db" {
#       name                         = "acme-pg"
#       resource_group_name          = azurerm_resource_group.main.name
#       location                     = azurerm_resource_group.main.location
#       version                      = "16"
#       sku_name                     = "GP_Standard_D2s_v3"
#       backup_retention_days        = 35
#       geo_redundant_backup_enabled = true
#     }
package soc2gate.policies.terraform.azure_database_geo_backup

import data.soc2gate.lib.terraform as tf
import rego.v1

server_types := [
	"azurerm_postgresql_server", "azurerm_mysql_server", "azurerm_mariadb_server",
	"azurerm_postgresql_flexible_server", "azurerm_mysql_flexible_server",
]

deny contains tf.fail(r, "geo_redundant_backup_enabled", "backups are not geo-redundant") if {
	some r in tf.resources_of(server_types)
	not tf.is_true(tf.attr(r, "geo_redundant_backup_enabled"))
}
