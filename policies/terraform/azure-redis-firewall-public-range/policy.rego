# METADATA
# title: Azure Cache for Redis firewall rules do not admit wide public address ranges
# description: >-
#   An azurerm_redis_firewall_rule admits every address from start_ip to end_ip to the cache's
#   endpoint. Fails for a rule whose range holds more than 256 addresses (wider than a /24)
#   and is not entirely inside a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16):
#   such a rule opens the cache to a large part of the internet. Narrow public ranges (an
#   office, a NAT gateway) and private ranges pass.
# custom:
#   id: TF-198
#   severity: high
#   resource_types: [azurerm_redis_firewall_rule]
#   controls:
#     CC6.6: The cache endpoint is not open to large parts of the internet.
#     CC6.1: Network access to cached data is limited to declared addresses.
#   inconclusive_if_unknown: [start_ip, end_ip]
#   checkov: []
#   kics: [5089d055-53ff-421b-9482-a5267bdce629, a829b715-cf75-4e92-b645-54c9b739edfb]
#   remediation: |
#     resource "azurerm_redis_firewall_rule" "office" {
#       name                = "office"
#       redis_cache_name    = azurerm_redis_cache.cache.name
#       resource_group_name = azurerm_resource_group.main.name
#       start_ip            = "203.0.113.0"
#       end_ip              = "203.0.113.255"
#     }
package soc2gate.policies.terraform.azure_redis_firewall_public_range

import data.soc2gate.lib.terraform as tf
import rego.v1

max_addresses := 256

private_ranges := [
	[167772160, 184549375], # 10.0.0.0/8
	[2886729728, 2887778303], # 172.16.0.0/12
	[3232235520, 3232301055], # 192.168.0.0/16
]

deny contains tf.fail(r, "end_ip", sprintf("the rule admits %v addresses (%v - %v), beyond private ranges", [(last - first) + 1, tf.attr(r, "start_ip"), tf.attr(r, "end_ip")])) if {
	some r in tf.resources("azurerm_redis_firewall_rule")
	first := ipv4(tf.attr(r, "start_ip"))
	last := ipv4(tf.attr(r, "end_ip"))
	(last - first) + 1 > max_addresses
	not inside_private(first, last)
}

inside_private(first, last) if {
	some range in private_ranges
	range[0] <= first
	last <= range[1]
}

ipv4(text) := n if {
	is_string(text)
	regex.match(`^[0-9]{1,3}(\.[0-9]{1,3}){3}$`, text)
	parts := [to_number(p) | some p in split(text, ".")]
	every p in parts {
		p <= 255
	}
	n := ((((parts[0] * 256) + parts[1]) * 256) + parts[2]) * 256 + parts[3]
}
