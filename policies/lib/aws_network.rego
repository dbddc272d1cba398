# Helpers for AWS security group ingress rules, in all three Terraform forms:
# inline `ingress` blocks of aws_security_group, aws_security_group_rule (type = "ingress")
# and aws_vpc_security_group_ingress_rule.  Each rule is normalised to
#   {"path", "from", "to", "protocol", "cidrs", "certain"}
# where `path` is the attribute path of the rule inside its resource and `certain` is
# false when a port, protocol or CIDR holds an unresolved expression.
package soc2gate.lib.aws_network

import data.soc2gate.lib.terraform as tf
import rego.v1

# Every ingress rule of resource r (one of the three types).
ingress_rules(r) := [rule(sprintf("ingress[%d]", [i]), b, cidrs(b)) |
	bs := tf.blocks(r.attributes, "ingress")
	some i
	b := bs[i]
] if {
	r.type == "aws_security_group"
}

ingress_rules(r) := [rule("", r.attributes, cidrs(r.attributes))] if {
	r.type == "aws_security_group_rule"
	r.attributes.type == "ingress"
}

ingress_rules(r) := [rule("", r.attributes, v2_cidrs(r.attributes))] if {
	r.type == "aws_vpc_security_group_ingress_rule"
}

rule_types := ["aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule"]

rule(path, b, cs) := {
	"path": path,
	"from": object.get(b, "from_port", 0),
	"to": object.get(b, "to_port", object.get(b, "from_port", 65535)),
	"protocol": lower(sprintf("%v", [object.get(b, "protocol", object.get(b, "ip_protocol", "-1"))])),
	"cidrs": cs,
}

cidrs(b) := array.concat(list(object.get(b, "cidr_blocks", [])), list(object.get(b, "ipv6_cidr_blocks", [])))

v2_cidrs(b) := [c | some c in [object.get(b, "cidr_ipv4", null), object.get(b, "cidr_ipv6", null)]; c != null]

list(x) := x if {
	is_array(x)
} else := [] if {
	x == null
} else := [x]

unresolved(x) if contains(sprintf("%v", [x]), "${")

all_protocols(rule) if rule.protocol in {"-1", "all"}

# Is the rule open to the internet?  "yes" (a literal world CIDR) or "maybe" (unresolved).
exposure(rule) := "yes" if {
	some c in rule.cidrs
	tf.open_cidr(c)
} else := "maybe" if {
	some c in rule.cidrs
	unresolved(c)
}

# Does the rule reach TCP port p?  "yes" or "maybe" (unresolved ports or protocol).
reaches(rule, p) := "yes" if {
	all_protocols(rule)
} else := "yes" if {
	rule.protocol in {"tcp", "6"}
	is_number(rule.from)
	is_number(rule.to)
	rule.from <= p
	p <= rule.to
} else := "maybe" if {
	some x in [rule.from, rule.to, rule.protocol]
	unresolved(x)
}

# Does the rule open every port?
all_ports(rule) := "yes" if {
	all_protocols(rule)
} else := "yes" if {
	rule.protocol in {"tcp", "6", "udp", "17"}
	rule.from == 0
	rule.to == 65535
} else := "maybe" if {
	some x in [rule.from, rule.to, rule.protocol]
	unresolved(x)
}

# Finding path for a rule inside its resource.
rule_path(rule, attr) := concat("", [prefix(rule), attr])

prefix(rule) := "" if {
	rule.path == ""
} else := concat("", [rule.path, "."])

# true when every verdict is "yes" (a decision on literal values only).
all_yes(xs) := true if {
	every x in xs {
		x == "yes"
	}
} else := false
