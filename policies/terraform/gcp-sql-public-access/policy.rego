# METADATA
# title: Cloud SQL instances are not open to the internet
# description: >-
#   A Cloud SQL instance gets a public IPv4 address unless `ipv4_enabled = false`
#   (the provider default is true). Fails when an authorized network is the whole
#   internet (0.0.0.0/0, ::/0), and when the instance has a public address but declares
#   no `authorized_networks` at all: either turn the public address off (private IP) or
#   document exactly which networks may reach it.
# custom:
#   id: TF-105
#   severity: critical
#   resource_types: [google_sql_database_instance]
#   controls:
#     CC6.6: The database endpoint is not reachable from arbitrary internet addresses.
#     CC6.1: Network-level access to the database is limited to declared networks.
#     CC6.2: Network access to the database is granted only to explicitly authorized networks.
#   inconclusive_if_unknown:
#     - settings.ip_configuration.ipv4_enabled
#     - settings.ip_configuration.authorized_networks
#   checkov: [CKV_GCP_11, CKV_GCP_60]
#   kics: [b187edca-b81e-4fdc-aff4-aab57db45edb]
#   remediation: |
#     resource "google_sql_database_instance" "db" {
#       name             = "acme-db"
#       database_version = "POSTGRES_15"
#       settings {
#         tier = "db-custom-2-7680"
#         ip_configuration {
#           ipv4_enabled    = false
#           private_network = google_compute_network.vpc.id
#         }
#       }
#     }
package soc2gate.policies.terraform.gcp_sql_public_access

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail_certain(r, "settings.ip_configuration.authorized_networks.value", sprintf("authorized network `%s` opens the instance to the internet", [value])) if {
	some r in tf.resources("google_sql_database_instance")
	some network in authorized_networks(r)
	value := object.get(network, "value", "")
	tf.open_cidr(value)
}

deny contains tf.fail(r, "settings.ip_configuration.ipv4_enabled", "instance has a public IPv4 address and no authorized_networks: disable ipv4_enabled or list the allowed networks") if {
	some r in tf.resources("google_sql_database_instance")
	public_ipv4(r)
	count(authorized_networks(r)) == 0
	not nested_dynamic(r)
}

# A nested `dynamic "authorized_networks"` block is not expanded by the parser: undecidable.
inconclusive contains {"resource": r.id, "path": "settings.ip_configuration.authorized_networks", "message": msg, "expression": "dynamic \"authorized_networks\""} if {
	some r in tf.resources("google_sql_database_instance")
	public_ipv4(r)
	count(authorized_networks(r)) == 0
	nested_dynamic(r)
	msg := sprintf("%s: cannot decide: authorized_networks come from a nested dynamic block", [r.address])
}

nested_dynamic(r) if {
	some ip in ip_configurations(r)
	"dynamic" in object.keys(ip)
}

ip_configurations(r) := [ip |
	some s in tf.blocks(r.attributes, "settings")
	some ip in tf.blocks(s, "ip_configuration")
]

# authorized_networks blocks; a static `content` wrapper (dynamic-block style) is looked through.
authorized_networks(r) := [n |
	some ip in ip_configurations(r)
	some block in tf.blocks(ip, "authorized_networks")
	some n in networks_of(block)
]

networks_of(block) := tf.blocks(block, "content") if {
	count(tf.blocks(block, "content")) > 0
} else := [block]

public_ipv4(r) if {
	not ipv4_disabled(r)
}

ipv4_disabled(r) if {
	some ip in ip_configurations(r)
	tf.is_false(object.get(ip, "ipv4_enabled", true))
}

