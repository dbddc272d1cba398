# METADATA
# title: Azure Front Door (classic) frontend endpoints are protected by a WAF policy
# description: >-
#   Front Door is the internet-facing entry of the applications behind it; a web application
#   firewall policy on each frontend endpoint blocks common attacks (OWASP rules, bots, rate
#   limits) at the edge. Fails for an azurerm_frontdoor with a frontend_endpoint block without
#   web_application_firewall_policy_link_id. (Front Door Standard/Premium attaches WAF through
#   azurerm_cdn_frontdoor_security_policy and is not judged here.)
# custom:
#   id: TF-208
#   severity: medium
#   resource_types: [azurerm_frontdoor]
#   controls:
#     CC6.6: Web traffic from outside the system boundary is filtered for known attack patterns.
#     CC7.2: WAF detections are a source of security events.
#   checkov: []
#   related_checkov:
#     CKV_AZURE_121: checkov inspects only the first frontend_endpoint block
#   kics: [835a4f2f-df43-437d-9943-545ccfc55961]
#   remediation: |
#     resource "azurerm_frontdoor" "web" {
#       # ...
#       frontend_endpoint {
#         name                                    = "web"
#         host_name                               = "web.azurefd.net"
#         web_application_firewall_policy_link_id = azurerm_frontdoor_firewall_policy.web.id
#       }
#     }
package soc2gate.policies.terraform.azure_frontdoor_waf

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "frontend_endpoint.web_application_firewall_policy_link_id", sprintf("frontend endpoint %v has no WAF policy (web_application_firewall_policy_link_id)", [object.get(endpoint, "name", "?")])) if {
	some r in tf.resources("azurerm_frontdoor")
	some endpoint in tf.blocks(r.attributes, "frontend_endpoint")
	not tf.known_set_in(r, endpoint, "web_application_firewall_policy_link_id", "frontend_endpoint.web_application_firewall_policy_link_id")
}
