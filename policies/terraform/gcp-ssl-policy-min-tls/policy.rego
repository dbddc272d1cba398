# METADATA
# title: GCP load balancer SSL policies require TLS 1.2 or later
# description: >-
#   A google_compute_ssl_policy decides which TLS versions the HTTPS and SSL proxy load balancers
#   it is attached to negotiate. TLS 1.0 and 1.1 are deprecated (RFC 8996) and bring weak cipher
#   suites with them. Fails when min_tls_version is not TLS_1_2 or TLS_1_3; an absent
#   min_tls_version is the provider's documented default TLS_1_0 and fails.
# custom:
#   id: TF-195
#   severity: medium
#   resource_types: [google_compute_ssl_policy]
#   controls:
#     CC6.7: Data in transit to the load balancer is protected by current TLS versions only.
#   inconclusive_if_unknown: [min_tls_version]
#   checkov: []
#   related_checkov:
#     CKV_GCP_4: checkov judges the profile (RESTRICTED, MODERN with TLS 1.2, CUSTOM without RSA key-exchange suites) and fails COMPATIBLE even with TLS 1.2
#   kics: [14a457f0-473d-4d1d-9e37-6d99b355b336]
#   remediation: |
#     resource "google_compute_ssl_policy" "modern" {
#       name            = "modern-tls"
#       profile         = "MODERN"
#       min_tls_version = "TLS_1_2"
#     }
package soc2gate.policies.terraform.gcp_ssl_policy_min_tls

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "min_tls_version", sprintf("minimum TLS version is %v: set min_tls_version = \"TLS_1_2\"", [version])) if {
	some r in tf.resources("google_compute_ssl_policy")
	version := tf.value(r, r.attributes, "min_tls_version", "min_tls_version")
	not upper(sprintf("%v", [version])) in {"TLS_1_2", "TLS_1_3"}
}
