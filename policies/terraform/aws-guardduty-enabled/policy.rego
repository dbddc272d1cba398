# METADATA
# title: GuardDuty detectors are enabled
# description: >-
#   aws_guardduty_detector must not set enable = false (default true); a disabled detector
#   produces no threat findings.
# custom:
#   id: TF-054
#   severity: medium
#   resource_types: [aws_guardduty_detector]
#   controls:
#     CC7.2: Threat detection monitors for anomalies that indicate malicious acts.
#     CC6.8: Malicious activity and software are detected.
#     CC7.1: Detection mechanisms identify configuration and vulnerability issues.
#   inconclusive_if_unknown: [enable]
#   checkov: [CKV2_AWS_3]
#   kics: [704dadd3-54fc-48ac-b6a0-02f170011473]
#   remediation: |
#     resource "aws_guardduty_detector" "main" {
#       enable = true
#     }
package soc2gate.policies.terraform.aws_guardduty_enabled

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "enable", "GuardDuty detector is disabled") if {
	some r in tf.resources_of(["aws_guardduty_detector"])
	tf.is_false(tf.attr(r, "enable"))
}
