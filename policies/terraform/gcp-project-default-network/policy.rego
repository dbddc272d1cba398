# METADATA
# title: GCP projects are created without the default network
# description: >-
#   A new project's "default" VPC network comes with firewall rules that admit SSH (22) and RDP
#   (3389) from 0.0.0.0/0 and all internal traffic, outside any reviewed network design. Fails
#   for a google_project whose auto_create_network is not false; an absent attribute is the
#   provider's default, true. (An organization policy constraint
#   compute.skipDefaultNetworkCreation also prevents the network, but is not visible here.)
# custom:
#   id: TF-204
#   severity: medium
#   resource_types: [google_project]
#   controls:
#     CC6.6: No network with internet-open SSH and RDP rules is created outside the reviewed design.
#     CC8.1: Network infrastructure comes from reviewed configuration, not provider defaults.
#   inconclusive_if_unknown: [auto_create_network]
#   checkov: [CKV_GCP_27]
#   kics: [59571246-3f62-4965-a96f-c7d97e269351]
#   remediation: |
#     resource "google_project" "app" {
#       name                = "app"
#       project_id          = "app-prod"
#       org_id              = "1234567"
#       auto_create_network = false
#     }
package soc2gate.policies.terraform.gcp_project_default_network

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "auto_create_network", "the project gets the default network with SSH/RDP open to 0.0.0.0/0: set auto_create_network = false") if {
	some r in tf.resources("google_project")
	not tf.unknown(r, "auto_create_network")
	not tf.is_false(tf.value(r, r.attributes, "auto_create_network", "auto_create_network"))
}
