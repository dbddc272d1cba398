# METADATA
# title: HTTPS and TLS listeners only negotiate TLS 1.2 or later
# description: >-
#   aws_lb_listener / aws_alb_listener with protocol HTTPS or TLS must set an ssl_policy that
#   allows only TLS 1.2+ (ELBSecurityPolicy-TLS13-1-2-*, -TLS13-1-3-*, -TLS-1-2-*, -FS-1-2-*).
#   An unset ssl_policy gets ELBSecurityPolicy-2016-08, which still accepts TLS 1.0 and 1.1.
# custom:
#   id: TF-020
#   severity: medium
#   resource_types: [aws_lb_listener, aws_alb_listener]
#   controls:
#     CC6.1: Encrypted channels keep credentials and data from being read on the network.
#     CC6.7: Information is protected during transmission over networks.
#   inconclusive_if_unknown: [protocol]
#   checkov: []
#   related_checkov:
#     CKV_AWS_103: checkov also fails plain-HTTP listeners (TF-019 judges those) and accepts ELBSecurityPolicy-TLS13-1-0-2021-06, which allows TLS 1.0
#   kics: []
#   remediation: |
#     resource "aws_lb_listener" "https" {
#       load_balancer_arn = aws_lb.web.arn
#       port              = 443
#       protocol          = "HTTPS"
#       ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
#       certificate_arn   = aws_acm_certificate.web.arn
#       default_action {
#         type             = "forward"
#         target_group_arn = aws_lb_target_group.web.arn
#       }
#     }
package soc2gate.policies.terraform.aws_lb_tls_policy

import data.soc2gate.lib.terraform as tf
import rego.v1

modern(policy) if regex.match(`^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)(-|$)`, policy)

# The value as text: strings as they are, anything else as %v prints it.  Messages are built
# with concat, not sprintf, so the literal default below prints without quotes in rego-cpp too.
shown(v) := v if is_string(v)
else := sprintf("%v", [v])

deny contains tf.fail(r, "ssl_policy", concat("", ["listener allows TLS versions below 1.2 (ssl_policy ", shown(object.get(r.attributes, "ssl_policy", "unset: ELBSecurityPolicy-2016-08")), ")"])) if {
	some r in tf.resources_of(["aws_lb_listener", "aws_alb_listener"])
	upper(sprintf("%v", [tf.attr(r, "protocol")])) in {"HTTPS", "TLS"}
	not modern(sprintf("%v", [tf.attr(r, "ssl_policy")]))
}
