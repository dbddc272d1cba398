# METADATA
# title: Microsoft Defender for Cloud e-mails security alerts to the security contact
# description: >-
#   Defender for Cloud alerts are only useful when someone responsible hears about them. Fails
#   for an azurerm_security_center_contact with alert_notifications = false: the contact then
#   receives no e-mail about new high-severity alerts.
# custom:
#   id: TF-200
#   severity: medium
#   resource_types: [azurerm_security_center_contact]
#   controls:
#     CC7.3: Security events are communicated to the people who evaluate them.
#     CC7.4: Incident response starts from alerts that reach the responsible contact.
#   inconclusive_if_unknown: [alert_notifications]
#   checkov: [CKV_AZURE_21]
#   kics: [9db38e87-f6aa-4b5e-a1ec-7266df259409]
#   remediation: |
#     resource "azurerm_security_center_contact" "security" {
#       name                = "security"
#       email               = "security@example.com"
#       alert_notifications = true
#       alerts_to_admins    = true
#     }
package soc2gate.policies.terraform.azure_security_contact_alerts

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "alert_notifications", "security alert e-mails to the contact are turned off") if {
	some r in tf.resources("azurerm_security_center_contact")
	tf.is_false(tf.attr(r, "alert_notifications"))
}
