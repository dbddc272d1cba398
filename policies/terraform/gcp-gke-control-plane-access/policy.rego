# METADATA
# title: GKE control planes are private or limited to authorized networks
# description: >-
#   A public Kubernetes API endpoint without master authorized networks accepts
#   connections from any address, leaving only authentication between the internet and
#   the cluster. Passes with `private_cluster_config.enable_private_endpoint = true`;
#   otherwise requires a `master_authorized_networks_config` whose `cidr_blocks` do not
#   include 0.0.0.0/0 or ::/0.
# custom:
#   id: TF-110
#   severity: high
#   resource_types: [google_container_cluster]
#   controls:
#     CC6.6: The cluster API is not exposed to arbitrary internet sources.
#     CC6.1: Network access to the control plane is limited to declared administrative networks.
#   inconclusive_if_unknown: [master_authorized_networks_config, private_cluster_config.enable_private_endpoint]
#   checkov: []
#   related_checkov:
#     CKV_GCP_20: checkov requires master_authorized_networks_config and accepts 0.0.0.0/0 in it; soc2gate accepts a private endpoint and fails an open CIDR
#   kics: [6ccb85d7-0420-4907-9380-50313f80946b]
#   remediation: |
#     resource "google_container_cluster" "gke" {
#       name     = "acme"
#       location = "europe-west1"
#       master_authorized_networks_config {
#         cidr_blocks {
#           cidr_block   = "203.0.113.0/24"
#           display_name = "office"
#         }
#       }
#     }
package soc2gate.policies.terraform.gcp_gke_control_plane_access

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "master_authorized_networks_config", "public control-plane endpoint without master_authorized_networks_config") if {
	some r in tf.resources("google_container_cluster")
	not private_endpoint(r)
	count(tf.blocks(r.attributes, "master_authorized_networks_config")) == 0
}

deny contains tf.fail(r, "master_authorized_networks_config.cidr_blocks.cidr_block", sprintf("master authorized network `%s` is the whole internet", [cidr])) if {
	some r in tf.resources("google_container_cluster")
	not private_endpoint(r)
	some config in tf.blocks(r.attributes, "master_authorized_networks_config")
	some block in tf.blocks(config, "cidr_blocks")
	cidr := object.get(block, "cidr_block", "")
	cidr in {"0.0.0.0/0", "::/0"}
}

private_endpoint(r) if {
	some c in tf.blocks(r.attributes, "private_cluster_config")
	tf.is_true(object.get(c, "enable_private_endpoint", false))
}
