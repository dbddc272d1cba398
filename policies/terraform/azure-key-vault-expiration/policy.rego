# METADATA
# title: Azure Key Vault keys and secrets have an expiration date
# description: >-
#   An expiration date forces keys and secrets to be rotated instead of living forever,
#   limiting how long leaked material stays useful. Fails for an `azurerm_key_vault_secret`
#   without `expiration_date`, and for an `azurerm_key_vault_key` without
#   `expiration_date` or a `rotation_policy` that sets `expire_after`.
# custom:
#   id: TF-122
#   severity: medium
#   resource_types: [azurerm_key_vault_key, azurerm_key_vault_secret]
#   controls:
#     CC6.1: Credentials and keys are rotated on a defined schedule.
#     CC6.2: Secrets issued for access stop working when they expire.
#   checkov: [CKV_AZURE_40, CKV_AZURE_41]
#   kics: [dfa20ffa-f476-428f-a490-424b41e91c7f, 4d080822-5ee2-49a4-8984-68f3d4c890fc]
#   remediation: |
#     resource "azurerm_key_vault_secret" "db_password" {
#       name            = "db-password"
#       value           = random_password.db.result
#       key_vault_id    = azurerm_key_vault.main.id
#       expiration_date = "2026-12-31T00:00:00Z"
#     }
package soc2gate.policies.terraform.azure_key_vault_expiration

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "expiration_date", "secret has no expiration_date") if {
	some r in tf.resources("azurerm_key_vault_secret")
	not tf.is_set(tf.attr(r, "expiration_date"))
}

deny contains tf.fail(r, "expiration_date", "key has no expiration_date and no rotation_policy.expire_after") if {
	some r in tf.resources("azurerm_key_vault_key")
	not tf.is_set(tf.attr(r, "expiration_date"))
	not expires_by_policy(r)
}

expires_by_policy(r) if {
	some policy in tf.blocks(r.attributes, "rotation_policy")
	tf.is_set(object.get(policy, "expire_after", null))
}
