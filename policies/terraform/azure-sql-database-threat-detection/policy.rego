# METADATA
# title: Azure SQL databases (azurerm_sql_database) have threat detection enabled
# description: >-
#   Threat detection (Advanced Threat Protection) alerts on SQL injection, anomalous access and
#   brute-force logins against the database. Fails for an azurerm_sql_database (azurerm 2.x/3.x)
#   without a threat_detection_policy block or whose block sets a state other than "Enabled":
#   the provider's default state is Disabled. (azurerm_mssql_database configures this per server
#   with azurerm_mssql_server_security_alert_policy and is not judged here.)
# custom:
#   id: TF-202
#   severity: medium
#   resource_types: [azurerm_sql_database]
#   controls:
#     CC7.2: Database activity is monitored for anomalies that indicate attacks.
#   inconclusive_if_unknown: [threat_detection_policy.state]
#   checkov: []
#   kics: [83a229ba-483e-47c6-8db7-dc96969bce5a]
#   remediation: |
#     resource "azurerm_sql_database" "db" {
#       # ...
#       threat_detection_policy {
#         state                = "Enabled"
#         email_account_admins = "Enabled"
#       }
#     }
package soc2gate.policies.terraform.azure_sql_database_threat_detection

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "threat_detection_policy.state", sprintf("threat detection is %v: set threat_detection_policy { state = \"Enabled\" }", [state])) if {
	some r in tf.resources("azurerm_sql_database")
	not tf.unknown(r, "threat_detection_policy.state")
	state := tf.value(r, tf.block(r.attributes, "threat_detection_policy"), "state", "threat_detection_policy.state")
	lower(sprintf("%v", [state])) != "enabled"
}
