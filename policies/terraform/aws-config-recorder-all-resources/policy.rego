# METADATA
# title: AWS Config records every supported resource type
# description: >-
#   aws_config_configuration_recorder must record every supported resource type, global ones
#   (IAM) included: recording_group.all_supported must not be false (default true) and
#   include_global_resource_types must be true (API default false, so an absent recording_group
#   fails; defaults in mappings/terraform-defaults.yaml); and the recorder must be started: a linked
#   aws_config_configuration_recorder_status with is_enabled = true. Without a recorder status
#   the recorder is created stopped and records nothing (is_enabled defaults to false,
#   mappings/terraform-defaults.yaml).
# custom:
#   id: TF-061
#   severity: low
#   resource_types: [aws_config_configuration_recorder]
#   controls:
#     CC8.1: A configuration history evidences every infrastructure change.
#     CC3.4: Changes that could affect internal control are identified.
#     CC7.2: Configuration drift is monitored.
#   inconclusive_if_unknown: [recording_group.all_supported, recording_group.include_global_resource_types]
#   checkov: []
#   related_checkov:
#     CKV2_AWS_48: checkov checks include_global_resource_types only; soc2gate also requires every supported type and a started recorder (aws_config_configuration_recorder_status)
#   kics: []
#   remediation: |
#     recording_group {
#       all_supported                 = true
#       include_global_resource_types = true
#     }
package soc2gate.policies.terraform.aws_config_recorder_all_resources

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, sprintf("recording_group.%s", [flag]), sprintf("Config recorder does not set %s = true", [flag])) if {
	some r in tf.resources("aws_config_configuration_recorder")
	some flag in ["all_supported", "include_global_resource_types"]
	path := sprintf("recording_group.%s", [flag])
	not tf.is_true(tf.value(r, tf.block(r.attributes, "recording_group"), flag, path))
}

status_type := "aws_config_configuration_recorder_status"

deny contains tf.fail(r, sprintf("links.%s", [status_type]), "Config recorder is never started: add an aws_config_configuration_recorder_status with is_enabled = true") if {
	some r in tf.resources("aws_config_configuration_recorder")
	count(tf.links(r, status_type)) == 0
	not tf.is_true(tf.default_of(status_type, "is_enabled"))
}

deny contains tf.fail(r, sprintf("links.%s", [status_type]), sprintf("Config recorder is stopped (%s is_enabled is not true)", [s.address])) if {
	some r in tf.resources("aws_config_configuration_recorder")
	some s in tf.links(r, status_type)
	not object.get(s, "unknown", {}).is_enabled
	not tf.is_true(object.get(s.attributes, "is_enabled", tf.default_of(status_type, "is_enabled")))
}

inconclusive contains {"resource": r.id, "path": sprintf("links.%s", [status_type]), "message": msg, "expression": s.unknown.is_enabled} if {
	some r in tf.resources("aws_config_configuration_recorder")
	some s in tf.links(r, status_type)
	msg := sprintf("%s: whether %s starts the recorder depends on %s", [r.address, s.address, s.unknown.is_enabled])
}
