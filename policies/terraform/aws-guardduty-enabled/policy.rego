# METADATA
# title: GuardDuty detectors are enabled
# description: >-
#   aws_guardduty_detector must not set enable = false (default true); a disabled detector
#   produces no threat findings. When the detector is an organization's delegated administrator
#   (a linked aws_guardduty_organization_configuration), member accounts must be enrolled:
#   auto_enable_organization_members ALL or NEW (not NONE), or the deprecated auto_enable true.
#   A detector without an organization configuration is judged on its own account.
# custom:
#   id: TF-054
#   severity: medium
#   resource_types: [aws_guardduty_detector]
#   controls:
#     CC7.2: Threat detection monitors for anomalies that indicate malicious acts.
#     CC6.8: Malicious activity and software are detected.
#     CC7.1: Detection mechanisms identify configuration and vulnerability issues.
#   inconclusive_if_unknown: [enable]
#   checkov: []
#   related_checkov:
#     CKV2_AWS_3: checkov requires an aws_guardduty_organization_configuration on every detector; soc2gate judges a standalone account's detector on its own
#   kics: [704dadd3-54fc-48ac-b6a0-02f170011473]
#   remediation: |
#     resource "aws_guardduty_detector" "main" {
#       enable = true
#     }
package soc2gate.policies.terraform.aws_guardduty_enabled

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "enable", "GuardDuty detector is disabled") if {
	some r in tf.resources("aws_guardduty_detector")
	not tf.is_true(tf.value(r, r.attributes, "enable", "enable"))
}

org_type := "aws_guardduty_organization_configuration"

deny contains tf.fail(r, sprintf("links.%s", [org_type]), sprintf("%s enrolls no organization member accounts", [org.address])) if {
	some r in tf.resources("aws_guardduty_detector")
	some org in tf.links(r, org_type)
	not object.get(org, "unknown", {}).auto_enable_organization_members
	not object.get(org, "unknown", {}).auto_enable
	not enrolls(org.attributes)
}

inconclusive contains {"resource": r.id, "path": sprintf("links.%s", [org_type]), "message": msg, "expression": expression} if {
	some r in tf.resources("aws_guardduty_detector")
	some org in tf.links(r, org_type)
	some key in ["auto_enable_organization_members", "auto_enable"]
	expression := org.unknown[key]
	msg := sprintf("%s: whether %s enrolls member accounts depends on %s", [r.address, org.address, expression])
}

enrolls(attributes) if upper(sprintf("%v", [object.get(attributes, "auto_enable_organization_members", "")])) in {"ALL", "NEW"}

enrolls(attributes) if tf.is_true(object.get(attributes, "auto_enable", null))
