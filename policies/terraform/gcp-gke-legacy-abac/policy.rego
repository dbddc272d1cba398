# METADATA
# title: GKE clusters do not use legacy ABAC authorization
# description: >-
#   Legacy attribute-based access control grants broad, static permissions that bypass
#   Kubernetes RBAC and IAM. Fails when `enable_legacy_abac = true`; absent means false.
# custom:
#   id: TF-109
#   severity: high
#   resource_types: [google_container_cluster]
#   controls:
#     CC6.1: Cluster API access is authorized by RBAC and IAM, not static ABAC rules.
#     CC6.3: Role-based access control (least privilege) governs what identities can do.
#   inconclusive_if_unknown: [enable_legacy_abac]
#   checkov: [CKV_GCP_7]
#   kics: [5baa92d2-d8ee-4c75-88a4-52d9d8bb8067]
#   remediation: |
#     resource "google_container_cluster" "gke" {
#       name               = "acme"
#       location           = "europe-west1"
#       enable_legacy_abac = false
#     }
package soc2gate.policies.terraform.gcp_gke_legacy_abac

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "enable_legacy_abac", "legacy ABAC authorization is enabled") if {
	some r in tf.resources("google_container_cluster")
	tf.is_true(tf.attr(r, "enable_legacy_abac"))
}
