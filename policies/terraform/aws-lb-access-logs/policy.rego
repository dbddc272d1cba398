# METADATA
# title: Load balancers write access logs
# description: >-
#   aws_lb / aws_alb (application and network) must have access_logs { enabled = true } with a
#   bucket (the provider default is disabled even when a bucket is given); classic aws_elb must
#   have an access_logs block that is not disabled. Gateway load balancers have no access logs.
# custom:
#   id: TF-050
#   severity: low
#   resource_types: [aws_lb, aws_alb, aws_elb]
#   controls:
#     CC7.2: Security-relevant events are recorded so anomalies can be detected.
#     CC7.3: Recorded events support the evaluation of security incidents.
#     A1.2: Request records support investigating availability incidents.
#   checkov: [CKV_AWS_91, CKV_AWS_92]
#   kics: [20018359-6fd7-4d05-ab26-d4dffccbdf79]
#   remediation: |
#     access_logs {
#       bucket  = aws_s3_bucket.lb_logs.id
#       prefix  = "web"
#       enabled = true
#     }
package soc2gate.policies.terraform.aws_lb_access_logs

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "access_logs.enabled", "load balancer access logs are disabled: add access_logs { enabled = true }") if {
	some r in tf.resources_of(["aws_lb", "aws_alb"])
	tf.attr(r, "load_balancer_type") != "gateway"
	not tf.is_true(object.get(tf.block(r.attributes, "access_logs"), "enabled", null))
}

deny contains tf.fail(r, "access_logs", "classic load balancer has no access_logs block") if {
	some r in tf.resources("aws_elb")
	count(tf.blocks(r.attributes, "access_logs")) == 0
}

deny contains tf.fail(r, "access_logs.enabled", "classic load balancer access logs are disabled") if {
	some r in tf.resources("aws_elb")
	tf.is_false(object.get(tf.block(r.attributes, "access_logs"), "enabled", null))
}
