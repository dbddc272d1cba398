# METADATA
# title: GCE interactive serial console access is disabled
# description: >-
#   The interactive serial console accepts connections from any IP address and bypasses
#   network firewall rules, so it must stay off. Fails when the `serial-port-enable`
#   metadata key is true on an instance, an instance template, project metadata, or a
#   `google_compute_project_metadata_item`. Absent passes (off by default).
# custom:
#   id: TF-120
#   severity: medium
#   resource_types:
#     - google_compute_instance
#     - google_compute_instance_template
#     - google_compute_region_instance_template
#     - google_compute_project_metadata
#     - google_compute_project_metadata_item
#   controls:
#     CC6.1: Console access does not bypass the normal authentication and network controls.
#     CC6.6: The serial console is not an unfiltered entry point from the internet.
#   inconclusive_if_unknown: [metadata, value, key]
#   checkov: [CKV_GCP_35]
#   kics: [97fa667a-d05b-4f16-9071-58b939f34751]
#   remediation: |
#     resource "google_compute_instance" "vm" {
#       name         = "app"
#       machine_type = "e2-medium"
#       zone         = "europe-west1-b"
#       metadata = {
#         serial-port-enable = "FALSE"
#       }
#       # boot_disk, network_interface ...
#     }
package soc2gate.policies.terraform.gcp_compute_serial_port

import data.soc2gate.lib.terraform as tf
import rego.v1

metadata_types := [
	"google_compute_instance",
	"google_compute_instance_template",
	"google_compute_region_instance_template",
	"google_compute_project_metadata",
]

deny contains tf.fail(r, "metadata.serial-port-enable", "metadata enables the interactive serial console (serial-port-enable)") if {
	some r in tf.resources_of(metadata_types)
	metadata := tf.attr(r, "metadata")
	is_object(metadata)
	tf.is_true(object.get(metadata, "serial-port-enable", false))
}

deny contains tf.fail(r, "value", "project metadata enables the interactive serial console (serial-port-enable)") if {
	some r in tf.resources("google_compute_project_metadata_item")
	tf.attr(r, "key") == "serial-port-enable"
	tf.is_true(tf.attr(r, "value"))
}
