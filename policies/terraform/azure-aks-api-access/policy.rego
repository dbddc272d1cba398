# METADATA
# title: AKS API servers are private or limited to authorized IP ranges
# description: >-
#   A public Kubernetes API endpoint without authorized IP ranges accepts connections from
#   any address, leaving only authentication between the internet and the cluster.
#   Passes with `private_cluster_enabled = true`, or with authorized IP ranges
#   (`api_server_access_profile.authorized_ip_ranges`, or the azurerm 2.x-3.x
#   `api_server_authorized_ip_ranges`) that do not include 0.0.0.0/0. Fails otherwise,
#   and when an authorized range is 0.0.0.0/0.
# custom:
#   id: TF-149
#   severity: high
#   resource_types: [azurerm_kubernetes_cluster]
#   controls:
#     CC6.1: Network access to the cluster API is limited to declared administrative networks.
#     CC6.6: The cluster API is not exposed to arbitrary internet sources.
#   inconclusive_if_unknown: [private_cluster_enabled, api_server_access_profile, api_server_authorized_ip_ranges]
#   checkov: [CKV_AZURE_6]
#   related_checkov:
#     CKV_AZURE_115: checkov requires a private cluster; soc2gate also accepts a public API server restricted to authorized IP ranges
#   kics: [599318f2-6653-4569-9e21-041d06c63a89]
#   remediation: |
#     resource "azurerm_kubernetes_cluster" "aks" {
#       name                    = "acme-aks"
#       location                = azurerm_resource_group.main.location
#       resource_group_name     = azurerm_resource_group.main.name
#       dns_prefix              = "acme"
#       private_cluster_enabled = true
#       default_node_pool {
#         name       = "system"
#         node_count = 3
#         vm_size    = "Standard_D4s_v5"
#       }
#       identity {
#         type = "SystemAssigned"
#       }
#     }
package soc2gate.policies.terraform.azure_aks_api_access

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "private_cluster_enabled", "public API server without authorized IP ranges") if {
	some r in tf.resources("azurerm_kubernetes_cluster")
	not tf.is_true(tf.attr(r, "private_cluster_enabled"))
	count(authorized_ranges(r)) == 0
}

deny contains tf.fail_certain(r, "api_server_access_profile.authorized_ip_ranges", sprintf("authorized IP range %v is the whole internet", [cidr])) if {
	some r in tf.resources("azurerm_kubernetes_cluster")
	not tf.is_true(tf.attr(r, "private_cluster_enabled"))
	some cidr in authorized_ranges(r)
	cidr in {"0.0.0.0/0", "::/0"}
}

authorized_ranges(r) := array.concat(profile_ranges(r), list_of(tf.attr(r, "api_server_authorized_ip_ranges")))

profile_ranges(r) := [cidr |
	some profile in tf.blocks(r.attributes, "api_server_access_profile")
	some cidr in list_of(object.get(profile, "authorized_ip_ranges", []))
]

list_of(v) := v if {
	is_array(v)
} else := [v] if {
	is_string(v)
	v != ""
} else := []
