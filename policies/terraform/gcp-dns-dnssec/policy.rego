# METADATA
# title: Public Cloud DNS zones sign their records with DNSSEC
# description: >-
#   DNSSEC lets resolvers verify that the answers for a zone come from its owner, so a spoofed
#   or poisoned record cannot send users and services to an attacker's host. Fails for a public
#   google_dns_managed_zone whose dnssec_config.state is not "on" or "transfer"; an absent
#   dnssec_config is the documented default, DNSSEC off. Private zones (visibility = "private")
#   cannot use DNSSEC and are not judged; a zone whose visibility is
#   not known is inconclusive.
# custom:
#   id: TF-196
#   severity: medium
#   resource_types: [google_dns_managed_zone]
#   controls:
#     CC6.6: Signed DNS answers protect users and services from being redirected to spoofed endpoints.
#   inconclusive_if_unknown: [dnssec_config.state]
#   checkov: [CKV_GCP_16]
#   kics: [5ef61c88-bbb4-4725-b1df-55d23c9676bb]
#   remediation: |
#     resource "google_dns_managed_zone" "public" {
#       name     = "example"
#       dns_name = "example.com."
#       dnssec_config {
#         state = "on"
#       }
#     }
package soc2gate.policies.terraform.gcp_dns_dnssec

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "dnssec_config.state", sprintf("DNSSEC is %v for this public zone: set dnssec_config { state = \"on\" }", [state])) if {
	some r in public_zones
	state := tf.value(r, tf.block(r.attributes, "dnssec_config"), "state", "dnssec_config.state")
	not lower(sprintf("%v", [state])) in {"on", "transfer"}
}

public_zones contains r if {
	some r in tf.resources("google_dns_managed_zone")
	not tf.unknown(r, "visibility")
	lower(sprintf("%v", [object.get(r.attributes, "visibility", "public")])) != "private"
}

inconclusive contains {"resource": r.id, "path": "visibility", "message": msg, "expression": r.unknown.visibility} if {
	some r in tf.resources("google_dns_managed_zone")
	tf.unknown(r, "visibility")
	msg := sprintf("%s: cannot decide whether the zone is public: visibility = %v", [r.address, r.unknown.visibility])
}

applicable contains r.id if some r in public_zones

applicable contains r.id if {
	some r in tf.resources("google_dns_managed_zone")
	tf.unknown(r, "visibility")
}
