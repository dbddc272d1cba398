# METADATA
# title: Neptune clusters export audit logs to CloudWatch
# description: >-
#   aws_neptune_cluster must list "audit" in enable_cloudwatch_logs_exports (none are exported by
#   default; "slowquery" alone records no access). The cluster parameter group must also set
#   neptune_enable_audit_log = 1 for Neptune to write the audit log; that parameter is not checked.
# custom:
#   id: TF-177
#   severity: medium
#   resource_types: [aws_neptune_cluster]
#   controls:
#     CC7.2: Security-relevant events are recorded so anomalies can be detected.
#     CC7.3: Recorded events support the evaluation of security incidents.
#   checkov: [CKV_AWS_101]
#   kics: [45cff7b6-3b80-40c1-ba7b-2cf480678bb8]
#   remediation: |
#     enable_cloudwatch_logs_exports = ["audit"]
package soc2gate.policies.terraform.aws_neptune_audit_logs

import data.soc2gate.lib.terraform as tf
import data.soc2gate.lib.values
import rego.v1

deny contains tf.fail(r, "enable_cloudwatch_logs_exports", "audit logs are not exported: add \"audit\" to enable_cloudwatch_logs_exports") if {
	some r in tf.resources("aws_neptune_cluster")
	not "audit" in values.as_list(tf.attr(r, "enable_cloudwatch_logs_exports"))
}
