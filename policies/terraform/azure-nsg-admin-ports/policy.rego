# METADATA
# title: Azure NSG rules do not open SSH or RDP to the internet
# description: >-
#   SSH (22) and RDP (3389) reachable from the internet invite brute-force and exploit
#   attempts; administrators should come through Azure Bastion, a VPN or just-in-time
#   access. Fails for an Inbound Allow rule (`azurerm_network_security_rule` or an inline
#   `security_rule` of `azurerm_network_security_group`) with protocol Tcp or `*` whose
#   source is `*`, Internet, Any, 0.0.0.0 or any prefix ending in /0 and whose destination
#   ports (`destination_port_range` or `destination_port_ranges`: single ports, ranges,
#   comma lists, `*`) cover 22 or 3389. UDP-only rules are not judged: SSH and RDP
#   sessions start over TCP.
# custom:
#   id: TF-139
#   severity: high
#   resource_types: [azurerm_network_security_rule, azurerm_network_security_group]
#   controls:
#     CC6.6: Administrative ports are not exposed to threats from outside the network boundary.
#     CC6.1: Remote administration is restricted to controlled entry points.
#   inconclusive_if_unknown:
#     - security_rule
#     - source_address_prefix
#     - source_address_prefixes
#     - destination_port_range
#     - destination_port_ranges
#     - protocol
#     - access
#     - direction
#   checkov: [CKV_AZURE_10, CKV_AZURE_9]
#   kics: [3e3c175e-aadf-4e2b-a464-3fdac5748d24, efbf6449-5ec5-4cfe-8f15-acc51e0d787c]
#   remediation: |
#     resource "azurerm_network_security_rule" "ssh_from_bastion" {
#       name                        = "ssh-from-bastion"
#       priority                    = 100
#       direction                   = "Inbound"
#       access                      = "Allow"
#       protocol                    = "Tcp"
#       source_port_range           = "*"
#       destination_port_range      = "22"
#       source_address_prefix       = "10.0.250.0/26"   # AzureBastionSubnet
#       destination_address_prefix  = "VirtualNetwork"
#       resource_group_name         = azurerm_resource_group.main.name
#       network_security_group_name = azurerm_network_security_group.app.name
#     }
package soc2gate.policies.terraform.azure_nsg_admin_ports

import data.soc2gate.lib.terraform as tf
import data.soc2gate.lib.values
import rego.v1

admin_ports := {22: "SSH", 3389: "RDP"}

open_sources := {"*", "internet", "any", "0.0.0.0", "0.0.0.0/0", "::/0"}

deny contains tf.fail(r, "destination_port_range", sprintf("allows %s (TCP %d) from %s", [service, port, source])) if {
	some r in tf.resources("azurerm_network_security_rule")
	some port, service in admin_ports
	allows_tcp_inbound(r.attributes)
	source := internet_source(r.attributes)
	covers_any(port_specs(r.attributes), port)
}

deny contains tf.fail(r, sprintf("security_rule[%d]", [i]), sprintf("rule `%v` allows %s (TCP %d) from %s", [name, service, port, source])) if {
	some r in tf.resources("azurerm_network_security_group")
	some i, rule in tf.blocks(r.attributes, "security_rule")
	some port, service in admin_ports
	allows_tcp_inbound(rule)
	source := internet_source(rule)
	covers_any(port_specs(rule), port)
	name := object.get(rule, "name", "?")
}

allows_tcp_inbound(rule) if {
	lower(sprintf("%v", [object.get(rule, "direction", "")])) == "inbound"
	lower(sprintf("%v", [object.get(rule, "access", "")])) == "allow"
	lower(sprintf("%v", [object.get(rule, "protocol", "")])) in {"tcp", "*"}
}

# The first source of the rule that means "the internet".
internet_source(rule) := found[0] if {
	found := [source | some source in sources(rule); internet(source)]
	count(found) > 0
}

sources(rule) := array.concat(
	values.as_list(object.get(rule, "source_address_prefix", [])),
	values.as_list(object.get(rule, "source_address_prefixes", [])),
)

internet(source) if lower(trim_space(sprintf("%v", [source]))) in open_sources

internet(source) if endswith(trim_space(sprintf("%v", [source])), "/0")

# Every port spec of the rule: comma lists are split, blanks trimmed.
port_specs(rule) := [trim_space(item) |
	some value in array.concat(
		values.as_list(object.get(rule, "destination_port_range", [])),
		values.as_list(object.get(rule, "destination_port_ranges", [])),
	)
	some item in split(sprintf("%v", [value]), ",")
]

covers_any(specs, _) if "*" in specs

covers_any(specs, port) if {
	some spec in specs
	covers(spec, port)
}

covers(spec, port) if {
	numeric(spec)
	to_number(spec) == port
}

covers(spec, port) if {
	bounds := split(spec, "-")
	count(bounds) == 2
	numeric(trim_space(bounds[0]))
	numeric(trim_space(bounds[1]))
	to_number(trim_space(bounds[0])) <= port
	port <= to_number(trim_space(bounds[1]))
}

numeric(s) if regex.match(`^[0-9]+$`, s)

