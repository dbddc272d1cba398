# Helpers for Terraform policies.  Input shape: docs/writing-policies.md.
package soc2gate.lib.terraform

import data.soc2gate.lib.finding
import data.soc2gate.lib.values
import rego.v1

# Resources of one type that exist after this change (deletions excluded).
resources(type) := [r |
	some r in object.get(input.resources, type, [])
	not deleting(r)
]

deleting(r) if {
	"delete" in r.actions
	not "create" in r.actions
}

# finding.fail / finding.fail_certain (policies/lib/finding.rego), under the surface's name.
fail(r, path, msg) := finding.fail(r, path, msg)

fail_certain(r, path, msg) := finding.fail_certain(r, path, msg)

# Resources of any of `types` that exist after this change, e.g.
# `some r in tf.resources_of({"aws_lb_listener", "aws_alb_listener"})`.
resources_of(types) := [r | some type in types; some r in resources(type)]

# The list of nested blocks named `name` (HCL gives lists, .tf.json may give one object).
blocks(obj, name) := b if {
	b := obj[name]
	is_array(b)
} else := [b] if {
	b := obj[name]
	is_object(b)
} else := []

# The first nested block named `name`, or {}.
block(obj, name) := b if {
	some b in blocks(obj, name)
} else := {}

attr(r, name) := object.get(r.attributes, name, null)

is_true(v) if v == true

is_true(v) if lower(sprintf("%v", [v])) == "true"

is_false(v) if v == false

is_false(v) if lower(sprintf("%v", [v])) == "false"

# Set: not null, not empty string, not empty list/object (values.is_set).
is_set(v) if values.is_set(v)

# Linked resources of `type` that configure r (see mappings/terraform-links.yaml).
links(r, type) := object.get(r.links, type, [])

# Every CIDR that means "the whole internet".
open_cidr(c) if c in {"0.0.0.0/0", "::/0", "*", "0.0.0.0", "Internet", "any", "Any"}

# Does [from, to] cover port p?  (protocol -1 / all ports is handled by callers)
port_in_range(p, from, to) if {
	to_number(from) <= p
	p <= to_number(to)
}
