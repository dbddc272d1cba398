# METADATA
# title: VPC subnets record flow logs
# description: >-
#   VPC flow logs sample the network flows of every VM in a subnet, the record needed to
#   spot exfiltration, scanning and unexpected connections. Fails for a
#   `google_compute_subnetwork` without a `log_config` block (or the legacy
#   `enable_flow_logs = true`). Proxy-only and Private Service Connect subnets, which
#   cannot record flow logs, are not judged.
# custom:
#   id: TF-114
#   severity: medium
#   resource_types: [google_compute_subnetwork]
#   controls:
#     CC7.2: Flow records let anomalous network activity be detected.
#     CC7.3: Flow records are evidence for evaluating a security event.
#     A1.2: Network telemetry supports monitoring of the environment's availability.
#     PI1.2: Network inputs to the system are recorded.
#   inconclusive_if_unknown: [purpose]
#   checkov: [CKV_GCP_26]
#   kics: [40430747-442d-450a-a34f-dc57149f4609]
#   remediation: |
#     resource "google_compute_subnetwork" "app" {
#       name          = "app"
#       ip_cidr_range = "10.0.0.0/20"
#       region        = "europe-west1"
#       network       = google_compute_network.vpc.id
#       log_config {
#         aggregation_interval = "INTERVAL_5_SEC"
#         flow_sampling        = 0.5
#         metadata             = "INCLUDE_ALL_METADATA"
#       }
#     }
package soc2gate.policies.terraform.gcp_subnet_flow_logs

import data.soc2gate.lib.terraform as tf
import rego.v1

no_flow_log_purposes := {"INTERNAL_HTTPS_LOAD_BALANCER", "REGIONAL_MANAGED_PROXY", "GLOBAL_MANAGED_PROXY", "PRIVATE_SERVICE_CONNECT", "PRIVATE_NAT"}

deny contains tf.fail(r, "log_config", "subnet does not record VPC flow logs (no log_config)") if {
	some r in tf.resources("google_compute_subnetwork")
	purpose := sprintf("%v", [object.get(r.attributes, "purpose", "PRIVATE")])
	not purpose in no_flow_log_purposes
	not contains(purpose, "${")
	count(tf.blocks(r.attributes, "log_config")) == 0
	not tf.is_true(tf.attr(r, "enable_flow_logs"))
}
