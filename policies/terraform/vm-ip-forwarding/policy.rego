# METADATA
# title: Virtual machines do not forward IP traffic
# description: >-
#   With IP forwarding on, a VM accepts and routes packets not addressed to it, so it can act as
#   a router between networks and carry traffic around the segmentation that firewall rules and
#   routes define (CIS GCP 4.6, CIS Azure). Fails for a google_compute_instance or instance
#   template with can_ip_forward = true, and for an azurerm_network_interface with
#   enable_ip_forwarding = true (azurerm 3.x) or ip_forwarding_enabled = true (4.x). The
#   providers' defaults are off. Network virtual appliances that must route need a waiver.
# custom:
#   id: TF-209
#   severity: medium
#   resource_types:
#     - google_compute_instance
#     - google_compute_instance_template
#     - google_compute_region_instance_template
#     - azurerm_network_interface
#   controls:
#     CC6.6: Traffic crosses network boundaries only through declared, controlled paths.
#   inconclusive_if_unknown: [can_ip_forward, enable_ip_forwarding, ip_forwarding_enabled]
#   checkov: []
#   related_checkov:
#     CKV_GCP_36: checkov skips instances named gke-* and region instance templates
#     CKV_AZURE_118: checkov reads enable_ip_forwarding (azurerm 3.x) only, not ip_forwarding_enabled (4.x)
#   kics: [f34c0c25-47b4-41eb-9c79-249b4dd47b89, 4216ebac-d74c-4423-b437-35025cb88af5]
#   remediation: |
#     resource "google_compute_instance" "app" {
#       # ...
#       can_ip_forward = false
#     }
#     resource "azurerm_network_interface" "app" {
#       # ...
#       ip_forwarding_enabled = false
#     }
package soc2gate.policies.terraform.vm_ip_forwarding

import data.soc2gate.lib.terraform as tf
import rego.v1

attributes := {
	"google_compute_instance": ["can_ip_forward"],
	"google_compute_instance_template": ["can_ip_forward"],
	"google_compute_region_instance_template": ["can_ip_forward"],
	"azurerm_network_interface": ["enable_ip_forwarding", "ip_forwarding_enabled"],
}

deny contains tf.fail(r, name, sprintf("IP forwarding is on (%v = true)", [name])) if {
	some type, names in attributes
	some r in tf.resources(type)
	some name in names
	tf.is_true(tf.attr(r, name))
}
