# METADATA
# title: AKS clusters enforce Kubernetes network policies
# description: >-
#   Without a network policy engine every pod can reach every other pod, so one
#   compromised workload can move laterally. Fails when `network_profile.network_policy`
#   is not azure, calico or cilium (absent profile, absent policy or another value);
#   `network_data_plane = "cilium"` (built-in enforcement) also passes.
# custom:
#   id: TF-144
#   severity: medium
#   resource_types: [azurerm_kubernetes_cluster]
#   controls:
#     CC6.6: Network segmentation inside the cluster limits lateral movement.
#     CC6.1: Network policies restrict which workloads can reach each other.
#   inconclusive_if_unknown: [network_profile]
#   checkov: [CKV_AZURE_7]
#   kics: [f5342045-b935-402d-adf1-8dbbd09c0eef]
#   remediation: |
#     resource "azurerm_kubernetes_cluster" "aks" {
#       name                = "acme-aks"
#       location            = azurerm_resource_group.main.location
#       resource_group_name = azurerm_resource_group.main.name
#       dns_prefix          = "acme"
#       network_profile {
#         network_plugin = "azure"
#         network_policy = "azure"
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
package soc2gate.policies.terraform.azure_aks_network_policy

import data.soc2gate.lib.terraform as tf
import rego.v1

engines := {"azure", "calico", "cilium"}

deny contains tf.fail(r, "network_profile.network_policy", msg) if {
	some r in tf.resources("azurerm_kubernetes_cluster")
	not enforced(r)
	msg := sprintf("no network policy engine (network_profile.network_policy is %v)", [current(r)])
}

enforced(r) if {
	some profile in tf.blocks(r.attributes, "network_profile")
	lower(sprintf("%v", [object.get(profile, "network_policy", "")])) in engines
}

enforced(r) if {
	some profile in tf.blocks(r.attributes, "network_profile")
	lower(sprintf("%v", [object.get(profile, "network_data_plane", "")])) == "cilium"
}

current(r) := sprintf("`%v`", [policies[0]]) if {
	policies := [p | some profile in tf.blocks(r.attributes, "network_profile"); p := profile.network_policy]
	count(policies) > 0
} else := "not set"
