# METADATA
# title: Azure activity logs are retained for at least a year
# description: >-
#   The activity log records every control-plane operation in a subscription; it is the
#   audit trail of who changed what. Fails for an `azurerm_monitor_log_profile` whose
#   `retention_policy` is missing, disabled, or keeps logs fewer than 365 days
#   (`days = 0` with the policy enabled means forever and passes).
# custom:
#   id: TF-145
#   severity: low
#   resource_types: [azurerm_monitor_log_profile]
#   controls:
#     CC7.2: A year of control-plane history supports detecting anomalous changes.
#     CC7.3: Retained activity logs are evidence for evaluating security events.
#     C1.2: Activity logs are kept, and later disposed of, according to a defined retention period.
#   inconclusive_if_unknown: [retention_policy]
#   checkov: [CKV_AZURE_37]
#   kics: [2b856bf9-8e8c-4005-875f-303a8cba3918]
#   remediation: |
#     resource "azurerm_monitor_log_profile" "subscription" {
#       name               = "default"
#       categories         = ["Action", "Delete", "Write"]
#       locations          = ["global", "westeurope"]
#       storage_account_id = azurerm_storage_account.audit.id
#       retention_policy {
#         enabled = true
#         days    = 365
#       }
#     }
package soc2gate.policies.terraform.azure_activity_log_retention

import data.soc2gate.lib.terraform as tf
import rego.v1

min_days := 365

deny contains tf.fail(r, "retention_policy", "log profile has no retention_policy") if {
	some r in tf.resources("azurerm_monitor_log_profile")
	count(tf.blocks(r.attributes, "retention_policy")) == 0
}

deny contains tf.fail(r, "retention_policy.enabled", "retention policy is not enabled") if {
	some r in tf.resources("azurerm_monitor_log_profile")
	some policy in tf.blocks(r.attributes, "retention_policy")
	not tf.is_true(object.get(policy, "enabled", false))
}

deny contains tf.fail(r, "retention_policy.days", msg) if {
	some r in tf.resources("azurerm_monitor_log_profile")
	some policy in tf.blocks(r.attributes, "retention_policy")
	tf.is_true(object.get(policy, "enabled", false))
	not long_enough(object.get(policy, "days", null))
	msg := retention_message(policy)
}

retention_message(policy) := sprintf("activity logs are kept %v days (require 365 or more, or 0 for forever)", [policy.days]) if {
	"days" in object.keys(policy)
} else := "retention days are not stated (require 365 or more, or 0 for forever)"

long_enough(days) if days == 0

long_enough(days) if {
	is_number(days)
	days >= min_days
}
