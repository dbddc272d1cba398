# METADATA
# title: Azure database and cache servers accept only TLS 1.2+ connections
# description: >-
#   Unencrypted or old-TLS connections expose credentials and data on the network. Fails
#   for PostgreSQL, MySQL and MariaDB single servers without `ssl_enforcement_enabled =
#   true` (required since azurerm 3.0; `ssl_enforcement = "Enabled"` in 1.x) or with
#   `ssl_minimal_tls_version_enforced` below TLS1_2, and for Redis caches that open the
#   non-TLS port (`non_ssl_port_enabled` / `enable_non_ssl_port`) or set
#   `minimum_tls_version` below 1.2.
# custom:
#   id: TF-146
#   severity: high
#   resource_types: [azurerm_postgresql_server, azurerm_mysql_server, azurerm_mariadb_server, azurerm_redis_cache]
#   controls:
#     CC6.7: Data in transit to databases and caches is encrypted.
#     CC6.1: Credentials are not sent in clear text.
#   inconclusive_if_unknown: [ssl_enforcement_enabled, ssl_enforcement, ssl_minimal_tls_version_enforced, non_ssl_port_enabled, enable_non_ssl_port, minimum_tls_version]
#   checkov: [CKV_AZURE_29, CKV_AZURE_47, CKV_AZURE_91, CKV_AZURE_148]
#   related_checkov:
#     CKV_AZURE_28: soc2gate also requires a minimum TLS version of 1.2, which the checkov check does not read
#   kics: [0437633b-daa6-4bbc-8526-c0d2443b946e, 73e42469-3a86-4f39-ad78-098f325b4e9f, e29a75e6-aba3-4896-b42d-b87818c16b58]
#   remediation: |
#     resource "azurerm_postgresql_server" "db" {
#       name                             = "acme-pg"
#       location                         = azurerm_resource_group.main.location
#       resource_group_name              = azurerm_resource_group.main.name
#       sku_name                         = "GP_Gen5_2"
#       version                          = "11"
#       ssl_enforcement_enabled          = true
#       ssl_minimal_tls_version_enforced = "TLS1_2"
#     }
#
#     resource "azurerm_redis_cache" "cache" {
#       name                 = "acme-cache"
#       location             = azurerm_resource_group.main.location
#       resource_group_name  = azurerm_resource_group.main.name
#       capacity             = 1
#       family               = "C"
#       sku_name             = "Standard"
#       non_ssl_port_enabled = false
#       minimum_tls_version  = "1.2"
#     }
package soc2gate.policies.terraform.azure_database_tls

import data.soc2gate.lib.terraform as tf
import rego.v1

server_types := ["azurerm_postgresql_server", "azurerm_mysql_server", "azurerm_mariadb_server"]

weak_versions := {"TLS1_0", "TLS1_1", "TLSENFORCEMENTDISABLED", "1.0", "1.1", "1"}

deny contains tf.fail(r, path, "server does not enforce TLS connections (ssl_enforcement_enabled is not true)") if {
	some r in tf.resources_of(server_types)
	not ssl_enforced(r)
	path := enforcement_path(r)
}

deny contains tf.fail(r, "ssl_minimal_tls_version_enforced", sprintf("minimal TLS version is %v (require TLS1_2)", [version])) if {
	some r in tf.resources_of(server_types)
	version := tf.attr(r, "ssl_minimal_tls_version_enforced")
	upper(sprintf("%v", [version])) in weak_versions
}

deny contains tf.fail(r, key, "the cache opens its non-TLS port 6379") if {
	some r in tf.resources("azurerm_redis_cache")
	some key in ["non_ssl_port_enabled", "enable_non_ssl_port"]
	tf.is_true(tf.attr(r, key))
}

deny contains tf.fail(r, "minimum_tls_version", sprintf("minimum TLS version is %v (require 1.2)", [version])) if {
	some r in tf.resources("azurerm_redis_cache")
	version := tf.attr(r, "minimum_tls_version")
	upper(sprintf("%v", [version])) in weak_versions
}

ssl_enforced(r) if tf.is_true(tf.attr(r, "ssl_enforcement_enabled"))

ssl_enforced(r) if lower(sprintf("%v", [tf.attr(r, "ssl_enforcement")])) == "enabled"

enforcement_path(r) := "ssl_enforcement" if {
	tf.is_set(tf.attr(r, "ssl_enforcement"))
	not tf.is_set(tf.attr(r, "ssl_enforcement_enabled"))
} else := "ssl_enforcement_enabled"
