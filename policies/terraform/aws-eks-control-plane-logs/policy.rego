# METADATA
# title: EKS clusters log API, audit and authenticator events
# description: >-
#   aws_eks_cluster enabled_cluster_log_types must include api, audit and authenticator (control
#   plane logging is off by default).
# custom:
#   id: TF-055
#   severity: medium
#   resource_types: [aws_eks_cluster]
#   controls:
#     CC7.2: Security-relevant events are recorded so anomalies can be detected.
#     CC7.3: Recorded events support the evaluation of security incidents.
#     CC6.8: Audit logs reveal unauthorized changes to cluster workloads.
#   checkov: []
#   related_checkov:
#     CKV_AWS_37: checkov requires all five control-plane log types; soc2gate requires api, audit and authenticator
#   kics: [37304d3f-f852-40b8-ae3f-725e87a7cedf, 66f130d9-b81d-4e8e-9b08-da74b9c891df]
#   remediation: |
#     enabled_cluster_log_types = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
package soc2gate.policies.terraform.aws_eks_control_plane_logs

import data.soc2gate.lib.terraform as tf
import rego.v1

required := ["api", "audit", "authenticator"]

deny contains tf.fail(r, "enabled_cluster_log_types", sprintf("control plane logging misses %v", [missing])) if {
	some r in tf.resources("aws_eks_cluster")
	types := object.get(r.attributes, "enabled_cluster_log_types", [])
	is_array(types)
	missing := [t | some t in required; not t in types]
	count(missing) > 0
}

deny contains tf.fail(r, "enabled_cluster_log_types", "control plane log types are not a list") if {
	some r in tf.resources("aws_eks_cluster")
	not is_array(object.get(r.attributes, "enabled_cluster_log_types", []))
}
