# METADATA
# title: GKE clusters enforce Kubernetes network policies
# description: >-
#   Without network policy enforcement every pod can reach every other pod, so one
#   compromised workload can move laterally through the cluster. Passes with GKE Dataplane
#   V2 (`datapath_provider = "ADVANCED_DATAPATH"`, enforcement built in); otherwise needs
#   both `network_policy { enabled = true }` and the master add-on
#   `addons_config.network_policy_config.disabled = false` (the provider documents the
#   add-on as disabled by default and required for enforcement).
# custom:
#   id: TF-113
#   severity: medium
#   resource_types: [google_container_cluster]
#   controls:
#     CC6.6: Network segmentation inside the cluster limits lateral movement.
#     CC6.1: Network policies restrict which workloads can reach each other.
#   inconclusive_if_unknown: [datapath_provider]
#   checkov: [CKV_GCP_12]
#   kics: [11e7550e-c4b6-472e-adff-c698f157cdd7]
#   remediation: |
#     resource "google_container_cluster" "gke" {
#       name              = "acme"
#       location          = "europe-west1"
#       datapath_provider = "ADVANCED_DATAPATH"   # Dataplane V2 enforces network policies
#     }
package soc2gate.policies.terraform.gcp_gke_network_policy

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "network_policy.enabled", "network policy enforcement is not enabled (network_policy.enabled)") if {
	some r in clusters
	not policy_enabled(r)
}

deny contains tf.fail(r, "addons_config.network_policy_config.disabled", "the network policy add-on is not enabled (addons_config.network_policy_config.disabled = false)") if {
	some r in clusters
	not addon_enabled(r)
}

# Clusters known not to use Dataplane V2 (an unresolved datapath_provider is inconclusive).
clusters contains r if {
	some r in tf.resources("google_container_cluster")
	provider := sprintf("%v", [object.get(r.attributes, "datapath_provider", "")])
	provider != "ADVANCED_DATAPATH"
	not contains(provider, "${")
}

policy_enabled(r) if {
	some p in tf.blocks(r.attributes, "network_policy")
	tf.is_true(object.get(p, "enabled", false))
}

addon_configs(r) := [c |
	some a in tf.blocks(r.attributes, "addons_config")
	some c in tf.blocks(a, "network_policy_config")
]

addon_enabled(r) if {
	some c in addon_configs(r)
	tf.is_false(object.get(c, "disabled", true))
}
