# METADATA
# title: GKE cluster nodes have no public IP addresses
# description: >-
#   Private nodes get only internal addresses, so node ports and the kubelet cannot be
#   reached from the internet and egress goes through Cloud NAT. Fails when
#   `private_cluster_config.enable_private_nodes` is not true (absent block, absent
#   attribute or false).
# custom:
#   id: TF-108
#   severity: high
#   resource_types: [google_container_cluster]
#   controls:
#     CC6.6: Worker nodes are not directly reachable from outside the network boundary.
#     CC6.1: Network access to workloads passes through controlled entry points.
#   checkov: [CKV_GCP_64]
#   kics: [6ccb85d7-0420-4907-9380-50313f80946b]
#   remediation: |
#     resource "google_container_cluster" "gke" {
#       name     = "acme"
#       location = "europe-west1"
#       private_cluster_config {
#         enable_private_nodes    = true
#         enable_private_endpoint = true
#         master_ipv4_cidr_block  = "172.16.0.0/28"
#       }
#     }
package soc2gate.policies.terraform.gcp_gke_private_nodes

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "private_cluster_config.enable_private_nodes", "cluster nodes get public IP addresses (private_cluster_config.enable_private_nodes is not true)") if {
	some r in tf.resources("google_container_cluster")
	not private_nodes(r)
}

private_nodes(r) if {
	some c in tf.blocks(r.attributes, "private_cluster_config")
	tf.is_true(object.get(c, "enable_private_nodes", false))
}
