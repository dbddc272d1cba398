# METADATA
# title: Azure managed disks use customer-managed keys or Azure Disk Encryption
# description: >-
#   Azure encrypts every managed disk with a platform key; a disk encryption set
#   (customer-managed key) or Azure Disk Encryption puts the key under your control so its
#   use can be audited and revoked. Passes with `disk_encryption_set_id`,
#   `secure_vm_disk_encryption_set_id`, or an `encryption_settings` block that holds a
#   `disk_encryption_key` or sets `enabled = true` (azurerm 2.x). Fails otherwise, and when
#   `encryption_settings.enabled = false`.
# custom:
#   id: TF-134
#   severity: medium
#   resource_types: [azurerm_managed_disk]
#   controls:
#     CC6.1: Encryption with a key you manage is a logical access safeguard over stored data.
#     C1.1: Revoking the key makes confidential data on the disk unreadable.
#   checkov: []
#   related_checkov:
#     CKV_AZURE_93: checkov requires a disk encryption set (customer-managed key); soc2gate also accepts Azure Disk Encryption settings
#     CKV_AZURE_2: checkov accepts platform-managed keys; soc2gate requires a customer-managed key (disk encryption set) or Azure Disk Encryption
#   kics: [a99130ab-4c0e-43aa-97f8-78d4fcb30024]
#   remediation: |
#     resource "azurerm_managed_disk" "data" {
#       name                   = "data"
#       location               = azurerm_resource_group.main.location
#       resource_group_name    = azurerm_resource_group.main.name
#       storage_account_type   = "Premium_LRS"
#       create_option          = "Empty"
#       disk_size_gb           = 128
#       disk_encryption_set_id = azurerm_disk_encryption_set.cmk.id
#     }
package soc2gate.policies.terraform.azure_managed_disk_encryption

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "encryption_settings.enabled", "encryption_settings.enabled = false: Azure Disk Encryption is off") if {
	some r in tf.resources("azurerm_managed_disk")
	some s in tf.blocks(r.attributes, "encryption_settings")
	tf.is_false(object.get(s, "enabled", null))
}

deny contains tf.fail(r, path, "disk is encrypted only with a platform-managed key (no disk encryption set or Azure Disk Encryption)") if {
	some r in tf.resources("azurerm_managed_disk")
	not customer_key(r)
	not disabled_explicitly(r)
	path := decisive_path(r)
}

decisive_path(r) := "encryption_settings.enabled" if {
	some s in tf.blocks(r.attributes, "encryption_settings")
	"enabled" in object.keys(s)
} else := "disk_encryption_set_id"

customer_key(r) if tf.is_set(tf.attr(r, "disk_encryption_set_id"))

customer_key(r) if tf.is_set(tf.attr(r, "secure_vm_disk_encryption_set_id"))

customer_key(r) if {
	some s in tf.blocks(r.attributes, "encryption_settings")
	tf.is_true(object.get(s, "enabled", false))
}

customer_key(r) if {
	some s in tf.blocks(r.attributes, "encryption_settings")
	not tf.is_false(object.get(s, "enabled", null))
	count(tf.blocks(s, "disk_encryption_key")) > 0
}

disabled_explicitly(r) if {
	some s in tf.blocks(r.attributes, "encryption_settings")
	tf.is_false(object.get(s, "enabled", null))
}
