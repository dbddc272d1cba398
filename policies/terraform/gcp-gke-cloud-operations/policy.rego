# METADATA
# title: GKE clusters send logs and metrics to Cloud Operations for GKE
# description: >-
#   Cluster, node and workload logs and metrics are the record needed to detect and
#   investigate incidents. Fails when `logging_service` or `monitoring_service` is `none`,
#   or names the retired legacy Stackdriver service (`logging.googleapis.com`,
#   `monitoring.googleapis.com`) instead of Cloud Operations for GKE
#   (`*.googleapis.com/kubernetes`). Absent passes: Cloud Operations is the default.
# custom:
#   id: TF-119
#   severity: medium
#   resource_types: [google_container_cluster]
#   controls:
#     CC7.2: Cluster logs and metrics let anomalies be detected.
#     CC7.3: Collected logs are evidence for evaluating security events.
#     CC4.1: Monitoring data supports ongoing evaluation of the cluster's controls.
#   inconclusive_if_unknown: [logging_service, monitoring_service]
#   checkov: [CKV_GCP_1, CKV_GCP_8]
#   kics: [4c7ebcb2-eae2-461e-bc83-456ee2d4f694, 30e8dfd2-3591-4d19-8d11-79e93106c93d]
#   remediation: |
#     resource "google_container_cluster" "gke" {
#       name               = "acme"
#       location           = "europe-west1"
#       logging_service    = "logging.googleapis.com/kubernetes"
#       monitoring_service = "monitoring.googleapis.com/kubernetes"
#     }
package soc2gate.policies.terraform.gcp_gke_cloud_operations

import data.soc2gate.lib.terraform as tf
import rego.v1

services := {"logging_service": "logging.googleapis.com/kubernetes", "monitoring_service": "monitoring.googleapis.com/kubernetes"}

deny contains tf.fail(r, key, sprintf("%s is `%s`: use `%s`", [key, value, wanted])) if {
	some r in tf.resources("google_container_cluster")
	some key, wanted in services
	value := tf.attr(r, key)
	is_string(value)
	value != wanted
	not contains(value, "${")
}
