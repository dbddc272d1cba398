# METADATA
# title: Load balancer listeners serve HTTPS or redirect HTTP to HTTPS
# description: >-
#   An aws_lb_listener / aws_alb_listener whose protocol is HTTP (the ALB default when unset)
#   must redirect every request to HTTPS (default_action of type redirect with protocol HTTPS).
#   Classic aws_elb listeners with lb_protocol http fail too. TCP/UDP/TLS/HTTPS listeners are
#   not judged here (see TF-020 for TLS versions). The load balancer (aws_lb / aws_alb) carries
#   its listeners (linked by load_balancer_arn) and fails too, at the line of the offending
#   listener, so a finding on the load balancer names every plain-HTTP entry point it has.
# custom:
#   id: TF-019
#   severity: high
#   resource_types: [aws_lb_listener, aws_alb_listener, aws_elb, aws_lb, aws_alb]
#   controls:
#     CC6.1: Encrypted channels keep credentials and data from being read on the network.
#     CC6.7: Information is protected during transmission over networks.
#   inconclusive_if_unknown: [protocol]
#   checkov: [CKV_AWS_2, CKV2_AWS_20]
#   kics: [de7f5e83-da88-4046-871f-ea18504b1d43]
#   remediation: |
#     resource "aws_lb_listener" "http" {
#       load_balancer_arn = aws_lb.web.arn
#       port              = 80
#       protocol          = "HTTP"
#       default_action {
#         type = "redirect"
#         redirect {
#           port        = "443"
#           protocol    = "HTTPS"
#           status_code = "HTTP_301"
#         }
#       }
#     }
package soc2gate.policies.terraform.aws_lb_listener_https

import data.soc2gate.lib.terraform as tf
import rego.v1

listener_types := ["aws_lb_listener", "aws_alb_listener"]

deny contains tf.fail_at(lb, sprintf("links.%s", [type]), sprintf("%s accepts plain HTTP without redirecting to HTTPS", [l.address]), l.line) if {
	some lb_type in ["aws_lb", "aws_alb"]
	some lb in tf.resources(lb_type)
	some type in listener_types
	some l in tf.links(lb, type)
	not protocol_unknown(l)
	http_listener(l)
	not redirects_to_https(l)
}

protocol_unknown(l) if object.get(object.get(l, "unknown", {}), "protocol", null) != null

http_listener(r) if upper(sprintf("%v", [tf.attr(r, "protocol")])) == "HTTP"

http_listener(r) if {
	tf.attr(r, "protocol") == null
	not tf.is_set(tf.attr(r, "certificate_arn"))
	not tf.is_set(tf.attr(r, "ssl_policy"))
}

redirects_to_https(r) if {
	actions := tf.blocks(r.attributes, "default_action")
	count(actions) > 0
	every a in actions {
		a.type == "redirect"
		upper(sprintf("%v", [object.get(tf.block(a, "redirect"), "protocol", "")])) == "HTTPS"
	}
}

deny contains tf.fail(r, "protocol", "listener accepts plain HTTP without redirecting to HTTPS") if {
	some r in tf.resources_of(["aws_lb_listener", "aws_alb_listener"])
	http_listener(r)
	not redirects_to_https(r)
}

deny contains tf.fail(r, "listener.lb_protocol", sprintf("classic load balancer listens on plain HTTP port %v", [object.get(l, "lb_port", "?")])) if {
	some r in tf.resources("aws_elb")
	some l in tf.blocks(r.attributes, "listener")
	lower(sprintf("%v", [object.get(l, "lb_protocol", "")])) == "http"
}

inconclusive contains {"resource": lb.id, "path": sprintf("links.%s", [type]), "message": msg, "expression": l.unknown.protocol} if {
	some lb_type in ["aws_lb", "aws_alb"]
	some lb in tf.resources(lb_type)
	some type in listener_types
	some l in tf.links(lb, type)
	protocol_unknown(l)
	msg := sprintf("%s: whether %s serves plain HTTP depends on %s", [lb.address, l.address, l.unknown.protocol])
}
