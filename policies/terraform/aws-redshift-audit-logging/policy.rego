# METADATA
# title: Redshift clusters have audit logging
# description: >-
#   aws_redshift_cluster must have audit logging on: logging { enable = true } (provider versions
#   before 6; the default is off) or an aws_redshift_logging resource for the cluster (the
#   provider 6 form). Audit logging records connections, user changes and, with the
#   enable_user_activity_logging parameter, queries.
# custom:
#   id: TF-182
#   severity: medium
#   resource_types: [aws_redshift_cluster]
#   controls:
#     CC7.2: Security-relevant events are recorded so anomalies can be detected.
#     CC7.3: Recorded events support the evaluation of security incidents.
#   related_checkov:
#     CKV_AWS_71: checkov does not see an aws_redshift_logging resource configuring the cluster
#   kics: [15ffbacc-fa42-4f6f-a57d-2feac7365caa]
#   remediation: |
#     resource "aws_redshift_logging" "dw" {
#       cluster_identifier   = aws_redshift_cluster.dw.id
#       log_destination_type = "cloudwatch"
#       log_exports          = ["connectionlog", "userlog", "useractivitylog"]
#     }
package soc2gate.policies.terraform.aws_redshift_audit_logging

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "logging.enable", "audit logging is off: add logging { enable = true } or an aws_redshift_logging resource") if {
	some r in tf.resources("aws_redshift_cluster")
	count(tf.links(r, "aws_redshift_logging")) == 0
	not tf.is_true(object.get(tf.block(r.attributes, "logging"), "enable", null))
}
