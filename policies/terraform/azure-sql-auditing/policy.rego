# METADATA
# title: Azure SQL servers have auditing enabled
# description: >-
#   SQL auditing records logins, queries and permission changes to storage, Log Analytics
#   or Event Hubs: the trail needed to detect and investigate database misuse. Passes with
#   an inline `extended_auditing_policy` block or a linked
#   `azurerm_mssql_server_extended_auditing_policy` (`server_id` naming the server) that
#   is not `enabled = false`. When the module holds an auditing policy whose target
#   cannot be determined, the result is inconclusive.
# custom:
#   id: TF-135
#   severity: medium
#   resource_types: [azurerm_mssql_server, azurerm_sql_server]
#   controls:
#     CC7.2: Database activity is recorded so anomalies can be detected.
#     CC7.3: Audit records are evidence for evaluating security events.
#     CC4.1: Audit logs support ongoing monitoring of database access controls.
#   checkov: [CKV_AZURE_23]
#   kics: [f7e296b0-6660-4bc5-8f87-22ac4a815edf, 609839ae-bd81-4375-9910-5bce72ae7b92]
#   remediation: |
#     resource "azurerm_mssql_server_extended_auditing_policy" "sql" {
#       server_id              = azurerm_mssql_server.sql.id
#       log_monitoring_enabled = true
#       retention_in_days      = 90
#     }
package soc2gate.policies.terraform.azure_sql_auditing

import data.soc2gate.lib.terraform as tf
import rego.v1

audit_type := "azurerm_mssql_server_extended_auditing_policy"

servers contains r if {
	some r in tf.resources_of(["azurerm_mssql_server", "azurerm_sql_server"])
}

deny contains tf.fail(r, sprintf("links.%s", [audit_type]), "server has no auditing policy (extended_auditing_policy)") if {
	some r in servers
	not audited(r)
	not disabled_link(r)
	not untargeted_policy(r)
}

deny contains tf.fail(r, sprintf("links.%s", [audit_type]), sprintf("%s sets enabled = false", [link.address])) if {
	some r in servers
	not audited(r)
	some link in tf.links(r, audit_type)
	tf.is_false(object.get(link.attributes, "enabled", true))
}

inconclusive contains {"resource": r.id, "path": sprintf("links.%s", [audit_type]), "message": msg, "expression": p.address} if {
	some r in servers
	not audited(r)
	not disabled_link(r)
	some p in untargeted(r)
	msg := sprintf("%s: cannot decide: %s does not name its server (server_id)", [r.address, p.address])
}

audited(r) if {
	some block in tf.blocks(r.attributes, "extended_auditing_policy")
	not tf.is_false(object.get(block, "enabled", true))
}

audited(r) if {
	some link in tf.links(r, audit_type)
	not tf.is_false(object.get(link.attributes, "enabled", true))
}

disabled_link(r) if {
	some link in tf.links(r, audit_type)
	tf.is_false(object.get(link.attributes, "enabled", true))
}

untargeted(r) := [p |
	some p in tf.resources(audit_type)
	p.module == r.module
	p.root == r.root
	not tf.is_set(object.get(p.attributes, "server_id", null))
]

untargeted_policy(r) if count(untargeted(r)) > 0
