# METADATA
# title: Cloud SQL instances accept only encrypted connections
# description: >-
#   Without enforcement Cloud SQL accepts unencrypted client connections, exposing
#   credentials and query results on the network. Passes when
#   `settings.ip_configuration` sets `ssl_mode` to ENCRYPTED_ONLY or
#   TRUSTED_CLIENT_CERTIFICATE_REQUIRED, or (older providers) `require_ssl = true`.
#   Fails when neither is set (the default allows unencrypted connections).
# custom:
#   id: TF-104
#   severity: high
#   resource_types: [google_sql_database_instance]
#   controls:
#     CC6.7: Data in transit between clients and the database is encrypted.
#     CC6.1: Database credentials are not sent in clear text.
#   checkov: [CKV_GCP_6]
#   kics: [02474449-71aa-40a1-87ae-e14497747b00]
#   remediation: |
#     resource "google_sql_database_instance" "db" {
#       name             = "acme-db"
#       database_version = "POSTGRES_15"
#       settings {
#         tier = "db-custom-2-7680"
#         ip_configuration {
#           ipv4_enabled    = false
#           private_network = google_compute_network.vpc.id
#           ssl_mode        = "ENCRYPTED_ONLY"
#         }
#       }
#     }
package soc2gate.policies.terraform.gcp_sql_require_ssl

import data.soc2gate.lib.terraform as tf
import rego.v1

encrypted_modes := {"ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"}

deny contains tf.fail(r, path, sprintf("instance accepts unencrypted connections (set ip_configuration.ssl_mode = \"ENCRYPTED_ONLY\")", [])) if {
	some r in tf.resources("google_sql_database_instance")
	not encrypted(r)
	path := decisive_path(r)
}

ip_configurations(r) := [ip |
	some s in tf.blocks(r.attributes, "settings")
	some ip in tf.blocks(s, "ip_configuration")
]

encrypted(r) if {
	some ip in ip_configurations(r)
	object.get(ip, "ssl_mode", "") in encrypted_modes
}

encrypted(r) if {
	some ip in ip_configurations(r)
	tf.is_true(object.get(ip, "require_ssl", false))
}

# The attribute that decided the outcome (its line, or its block's, is reported; an
# unknown value there makes the outcome inconclusive).
decisive_path(r) := "settings.ip_configuration.require_ssl" if {
	some ip in ip_configurations(r)
	"require_ssl" in object.keys(ip)
	not "ssl_mode" in object.keys(ip)
} else := "settings.ip_configuration.ssl_mode"
