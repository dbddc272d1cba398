# METADATA
# title: DocumentDB clusters export audit logs to CloudWatch
# description: >-
#   aws_docdb_cluster must list "audit" in enabled_cloudwatch_logs_exports (none are exported by
#   default; "profiler" alone records slow operations, not access). The cluster parameter group
#   must also set audit_logs = enabled for DocumentDB to write audit events; that parameter is not
#   checked.
# custom:
#   id: TF-184
#   severity: medium
#   resource_types: [aws_docdb_cluster]
#   controls:
#     CC7.2: Security-relevant events are recorded so anomalies can be detected.
#     CC7.3: Recorded events support the evaluation of security incidents.
#   related_checkov:
#     CKV_AWS_85: checkov accepts profiler logs alone, which record no access events
#   kics: [56f6a008-1b14-4af4-b9b2-ab7cf7e27641]
#   remediation: |
#     enabled_cloudwatch_logs_exports = ["audit"]
package soc2gate.policies.terraform.aws_docdb_audit_logs

import data.soc2gate.lib.terraform as tf
import data.soc2gate.lib.values
import rego.v1

deny contains tf.fail(r, "enabled_cloudwatch_logs_exports", "audit logs are not exported: add \"audit\" to enabled_cloudwatch_logs_exports") if {
	some r in tf.resources("aws_docdb_cluster")
	not "audit" in values.as_list(tf.attr(r, "enabled_cloudwatch_logs_exports"))
}
