# METADATA
# title: Azure SQL audit logs are kept for more than 90 days
# description: >-
#   Audit records must outlive the time it takes to notice and investigate an incident; CIS
#   Azure asks for more than 90 days. Fails for an extended auditing policy whose
#   retention_in_days is between 1 and 90: inline extended_auditing_policy blocks of
#   azurerm_sql_server, azurerm_mssql_server, azurerm_sql_database and azurerm_mssql_database,
#   and azurerm_mssql_server_extended_auditing_policy /
#   azurerm_mssql_database_extended_auditing_policy. retention_in_days = 0, the provider's
#   default when absent, means unlimited retention and passes. Only resources that configure
#   auditing are judged (whether a server audits at all is TF-135).
# custom:
#   id: TF-205
#   severity: low
#   resource_types:
#     - azurerm_sql_server
#     - azurerm_mssql_server
#     - azurerm_sql_database
#     - azurerm_mssql_database
#     - azurerm_mssql_server_extended_auditing_policy
#     - azurerm_mssql_database_extended_auditing_policy
#   controls:
#     CC7.3: Audit records remain available for evaluating security events.
#     CC4.1: Monitoring evidence is kept long enough for ongoing evaluations.
#   inconclusive_if_unknown: [retention_in_days, extended_auditing_policy.retention_in_days]
#   checkov: []
#   kics: [59acb56b-2b10-4c2c-ba38-f2223c3f5cfc, 9c301481-e6ec-44f7-8a49-8ec63e2969ea]
#   remediation: |
#     resource "azurerm_mssql_server_extended_auditing_policy" "sql" {
#       server_id              = azurerm_mssql_server.sql.id
#       storage_endpoint       = azurerm_storage_account.audit.primary_blob_endpoint
#       retention_in_days      = 365   # or 0: unlimited
#     }
package soc2gate.policies.terraform.azure_sql_audit_retention

import data.soc2gate.lib.terraform as tf
import rego.v1

min_days := 91

inline_types := ["azurerm_sql_server", "azurerm_mssql_server", "azurerm_sql_database", "azurerm_mssql_database"]

policy_types := ["azurerm_mssql_server_extended_auditing_policy", "azurerm_mssql_database_extended_auditing_policy"]

deny contains tf.fail(r, "extended_auditing_policy.retention_in_days", sprintf("audit logs are kept %v days (more than 90 required, 0 = unlimited)", [days])) if {
	some r in tf.resources_of(inline_types)
	some block in tf.blocks(r.attributes, "extended_auditing_policy")
	days := object.get(block, "retention_in_days", 0)
	too_short(days)
}

deny contains tf.fail(r, "retention_in_days", sprintf("audit logs are kept %v days (more than 90 required, 0 = unlimited)", [days])) if {
	some r in tf.resources_of(policy_types)
	days := object.get(r.attributes, "retention_in_days", 0)
	too_short(days)
}

too_short(days) if {
	is_number(days)
	days > 0
	days < min_days
}

applicable contains r.id if {
	some r in tf.resources_of(inline_types)
	count(tf.blocks(r.attributes, "extended_auditing_policy")) > 0
}

applicable contains r.id if some r in tf.resources_of(policy_types)
