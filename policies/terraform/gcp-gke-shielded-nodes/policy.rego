# METADATA
# title: GKE clusters keep Shielded GKE Nodes enabled
# description: >-
#   Shielded GKE Nodes give every node a verifiable identity and secure boot, so a
#   compromised pod cannot impersonate a node to the control plane. They are on by default;
#   fails only when `enable_shielded_nodes = false`.
# custom:
#   id: TF-118
#   severity: medium
#   resource_types: [google_container_cluster]
#   controls:
#     CC6.8: Verified boot and node identity help prevent and detect malicious node software.
#     CC6.1: Nodes authenticate to the control plane with verifiable credentials.
#   inconclusive_if_unknown: [enable_shielded_nodes]
#   checkov: [CKV_GCP_71]
#   kics: [579a0727-9c29-4d58-8195-fc5802a8bdb4]
#   remediation: |
#     resource "google_container_cluster" "gke" {
#       name                  = "acme"
#       location              = "europe-west1"
#       enable_shielded_nodes = true
#     }
package soc2gate.policies.terraform.gcp_gke_shielded_nodes

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "enable_shielded_nodes", "Shielded GKE Nodes are disabled") if {
	some r in tf.resources("google_container_cluster")
	tf.is_false(tf.attr(r, "enable_shielded_nodes"))
}
