# METADATA
# title: Azure blob storage allows no anonymous public access
# description: >-
#   Anonymous read access to blob containers discloses their data to anyone with the URL.
#   Fails for a storage account that sets `allow_nested_items_to_be_public` (azurerm 3.x+)
#   or `allow_blob_public_access` (azurerm 2.x) to true, and for an
#   `azurerm_storage_container` whose `container_access_type` is `blob` or `container`
#   (the default is private). An account that leaves the setting out still needs a public
#   container to expose data, which this policy reports.
# custom:
#   id: TF-132
#   severity: high
#   resource_types: [azurerm_storage_account, azurerm_storage_container]
#   controls:
#     CC6.1: Anonymous access bypasses logical access control over stored data.
#     C1.1: Confidential blobs are not disclosed to the public.
#   inconclusive_if_unknown: [allow_nested_items_to_be_public, allow_blob_public_access, container_access_type]
#   checkov: []
#   related_checkov:
#     CKV_AZURE_190: checkov requires allow_nested_items_to_be_public = false explicitly; soc2gate uses the azurerm 4.x default (false)
#     CKV_AZURE_34: judged together with CKV_AZURE_190 on the account's default; see there
#   kics: [dd5230f8-a577-4bbb-b7ac-f2c2fe7d5299]
#   remediation: |
#     resource "azurerm_storage_account" "data" {
#       name                            = "acmedata"
#       resource_group_name             = azurerm_resource_group.main.name
#       location                        = azurerm_resource_group.main.location
#       account_tier                    = "Standard"
#       account_replication_type        = "GRS"
#       allow_nested_items_to_be_public = false
#     }
#
#     resource "azurerm_storage_container" "reports" {
#       name                  = "reports"
#       storage_account_id    = azurerm_storage_account.data.id
#       container_access_type = "private"
#     }
package soc2gate.policies.terraform.azure_storage_public_blob

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, key, sprintf("%s = true: containers may be made publicly readable", [key])) if {
	some r in tf.resources("azurerm_storage_account")
	some key in ["allow_nested_items_to_be_public", "allow_blob_public_access"]
	tf.is_true(tf.attr(r, key))
}

deny contains tf.fail(r, "container_access_type", sprintf("container allows anonymous `%v` access", [access])) if {
	some r in tf.resources("azurerm_storage_container")
	access := tf.attr(r, "container_access_type")
	lower(sprintf("%v", [access])) in {"blob", "container"}
}
