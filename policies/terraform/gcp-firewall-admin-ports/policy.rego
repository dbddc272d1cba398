# METADATA
# title: GCE firewall rules do not open SSH or RDP to the internet
# description: >-
#   SSH (TCP 22) and RDP (TCP 3389) reachable from 0.0.0.0/0 or ::/0 invite brute-force
#   and exploit attempts against every matching VM; administrators should come through
#   IAP, a bastion or a VPN range. Fails for an enabled INGRESS rule (the default
#   direction) whose `allow` block covers TCP 22 or 3389 (protocol tcp, all or 6; no
#   ports means all) and whose sources include the whole internet - listed in
#   `source_ranges`, or implied when no source ranges, tags or service accounts are given.
#   UDP-only rules are not judged: an RDP session always starts over TCP.
# custom:
#   id: TF-107
#   severity: high
#   resource_types: [google_compute_firewall]
#   controls:
#     CC6.6: Administrative ports are not exposed to threats from outside the network boundary.
#     CC6.7: Remote administration is restricted to controlled paths.
#   inconclusive_if_unknown: [source_ranges, source_tags, source_service_accounts, allow, direction, disabled]
#   checkov: [CKV_GCP_2, CKV_GCP_3]
#   kics: [c4dcdcdf-10dd-4bf4-b4a0-8f6239e6aaa0, 678fd659-96f2-454a-a2a0-c2571f83a4a3]
#   remediation: |
#     resource "google_compute_firewall" "ssh_from_iap" {
#       name          = "allow-ssh-from-iap"
#       network       = google_compute_network.vpc.name
#       direction     = "INGRESS"
#       source_ranges = ["35.235.240.0/20"]   # Identity-Aware Proxy TCP forwarding
#       allow {
#         protocol = "tcp"
#         ports    = ["22"]
#       }
#     }
package soc2gate.policies.terraform.gcp_firewall_admin_ports

import data.soc2gate.lib.terraform as tf
import rego.v1

admin_ports := {22: "SSH", 3389: "RDP"}

tcp_protocols := {"tcp", "all", "6"}

deny contains tf.fail(r, "allow.ports", sprintf("allows %s (TCP %d) from %s", [service, port, source])) if {
	some r in tf.resources("google_compute_firewall")
	ingress(r)
	not tf.is_true(tf.attr(r, "disabled"))
	source := internet_source(r)
	some port, service in admin_ports
	some allow in tf.blocks(r.attributes, "allow")
	lower(sprintf("%v", [object.get(allow, "protocol", "")])) in tcp_protocols
	covers_any(object.get(allow, "ports", []), port)
}

ingress(r) if upper(sprintf("%v", [object.get(r.attributes, "direction", "INGRESS")])) == "INGRESS"

internet_source(r) := open[0] if {
	open := [cidr | some cidr in literal_list(tf.attr(r, "source_ranges")); cidr in {"0.0.0.0/0", "::/0"}]
	count(open) > 0
} else := "any source (no source_ranges, source_tags or source_service_accounts)" if {
	not tf.is_set(tf.attr(r, "source_ranges"))
	not tf.is_set(tf.attr(r, "source_tags"))
	not tf.is_set(tf.attr(r, "source_service_accounts"))
}

# No ports listed means every port of the protocol.
covers_any(ports, _) if count(ports) == 0

covers_any(ports, port) if {
	is_array(ports)
	some spec in ports
	covers(trim_space(sprintf("%v", [spec])), port)
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

# A list value as a list; a single literal as a one-element list; null or an unresolved
# expression (kept as text) as nothing.
literal_list(v) := v if {
	is_array(v)
} else := [v] if {
	is_string(v)
	not contains(v, "${")
} else := []
