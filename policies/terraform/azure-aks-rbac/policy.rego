# METADATA
# title: AKS clusters keep Kubernetes RBAC enabled
# description: >-
#   Without Kubernetes RBAC every authenticated identity has full access to the cluster
#   API. RBAC is on by default; fails when `role_based_access_control_enabled = false`
#   (azurerm 3.x+) or `role_based_access_control { enabled = false }` (azurerm 2.x).
# custom:
#   id: TF-143
#   severity: high
#   resource_types: [azurerm_kubernetes_cluster]
#   controls:
#     CC6.3: Role-based access control enforces least privilege on the cluster API.
#     CC6.1: Cluster API requests are authorized per identity.
#   inconclusive_if_unknown: [role_based_access_control_enabled, role_based_access_control]
#   checkov: [CKV_AZURE_5]
#   kics: [86f92117-eed8-4614-9c6c-b26da20ff37f]
#   remediation: |
#     resource "azurerm_kubernetes_cluster" "aks" {
#       name                              = "acme-aks"
#       location                          = azurerm_resource_group.main.location
#       resource_group_name               = azurerm_resource_group.main.name
#       dns_prefix                        = "acme"
#       role_based_access_control_enabled = true
#       azure_active_directory_role_based_access_control {
#         azure_rbac_enabled = true
#       }
#       default_node_pool {
#         name       = "system"
#         node_count = 3
#         vm_size    = "Standard_D4s_v5"
#       }
#       identity {
#         type = "SystemAssigned"
#       }
#     }
package soc2gate.policies.terraform.azure_aks_rbac

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "role_based_access_control_enabled", "Kubernetes RBAC is disabled") if {
	some r in tf.resources("azurerm_kubernetes_cluster")
	tf.is_false(tf.attr(r, "role_based_access_control_enabled"))
}

deny contains tf.fail(r, "role_based_access_control.enabled", "Kubernetes RBAC is disabled") if {
	some r in tf.resources("azurerm_kubernetes_cluster")
	some block in tf.blocks(r.attributes, "role_based_access_control")
	tf.is_false(object.get(block, "enabled", null))
}
