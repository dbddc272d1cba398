# METADATA
# title: GKE clusters do not use basic auth or client certificates
# description: >-
#   Static basic-auth passwords and long-lived client certificates cannot be revoked
#   individually or tied to a person, unlike Google identities with IAM. Fails when
#   `master_auth` sets a `username` or `password`, or
#   `client_certificate_config.issue_client_certificate = true`. Absent settings pass
#   (current GKE issues neither by default).
# custom:
#   id: TF-117
#   severity: medium
#   resource_types: [google_container_cluster]
#   controls:
#     CC6.1: Cluster authentication uses revocable identities instead of static credentials.
#     CC6.2: Access is tied to registered, individually managed users.
#   inconclusive_if_unknown: [master_auth]
#   checkov: [CKV_GCP_13]
#   related_checkov:
#     CKV_GCP_19: checkov judges basic authentication on a resource address soc2gate does not share (no common resource in the fixtures or the corpus)
#   kics: [73fb21a1-b19a-45b1-b648-b47b1678681e]
#   remediation: |
#     resource "google_container_cluster" "gke" {
#       name     = "acme"
#       location = "europe-west1"
#       master_auth {
#         client_certificate_config {
#           issue_client_certificate = false
#         }
#       }
#     }
package soc2gate.policies.terraform.gcp_gke_legacy_client_auth

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "master_auth.client_certificate_config.issue_client_certificate", "the cluster issues client certificates") if {
	some r in tf.resources("google_container_cluster")
	some auth in tf.blocks(r.attributes, "master_auth")
	some c in tf.blocks(auth, "client_certificate_config")
	tf.is_true(object.get(c, "issue_client_certificate", false))
}

deny contains tf.fail(r, sprintf("master_auth.%s", [key]), sprintf("basic authentication is configured (master_auth.%s)", [key])) if {
	some r in tf.resources("google_container_cluster")
	some auth in tf.blocks(r.attributes, "master_auth")
	some key in ["username", "password"]
	tf.is_set(object.get(auth, key, ""))
}
