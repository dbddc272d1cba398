# METADATA
# title: GCE VMs block project-wide SSH keys
# description: >-
#   An SSH key in project metadata opens every VM of the project that does not block it, so a key
#   added for one machine reaches all of them. A google_compute_instance or instance template must
#   set metadata block-project-ssh-keys = true, unless OS Login is on for it (instance metadata
#   enable-oslogin = true, or project metadata of the configuration enabling it without an
#   instance override): with OS Login, VMs ignore metadata SSH keys.
# custom:
#   id: TF-194
#   severity: medium
#   resource_types: [google_compute_instance, google_compute_instance_template, google_compute_region_instance_template]
#   controls:
#     CC6.1: SSH access to each VM is granted for that VM, not inherited from the project.
#     CC6.2: Keys are not shared across machines outside their provisioning lifecycle.
#   related_checkov:
#     CKV_GCP_32: checkov requires block-project-ssh-keys even when OS Login makes VMs ignore metadata keys
#   kics: [3e4d5ce6-3280-4027-8010-c26eeea1ec01]
#   remediation: |
#     metadata = {
#       block-project-ssh-keys = true
#     }
package soc2gate.policies.terraform.gcp_compute_block_project_ssh_keys

import data.soc2gate.lib.terraform as tf
import data.soc2gate.lib.values
import rego.v1

instance_types := ["google_compute_instance", "google_compute_instance_template", "google_compute_region_instance_template"]

metadata(r) := values.as_object(tf.attr(r, "metadata"))

project_os_login if {
	some p in tf.resources("google_compute_project_metadata")
	tf.is_true(object.get(values.as_object(tf.attr(p, "metadata")), "enable-oslogin", null))
}

project_os_login if {
	some p in tf.resources("google_compute_project_metadata_item")
	tf.attr(p, "key") == "enable-oslogin"
	tf.is_true(tf.attr(p, "value"))
}

os_login(r) if tf.is_true(object.get(metadata(r), "enable-oslogin", null))

os_login(r) if {
	project_os_login
	not tf.is_false(object.get(metadata(r), "enable-oslogin", null))
}

deny contains tf.fail(r, "metadata.block-project-ssh-keys", "project-wide SSH keys reach this VM: set metadata block-project-ssh-keys = true") if {
	some r in tf.resources_of(instance_types)
	not tf.is_true(object.get(metadata(r), "block-project-ssh-keys", null))
	not os_login(r)
}
