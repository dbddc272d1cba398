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

# A finding on resource r reported at `line` (e.g. the linked resource that decided it).
fail_at(r, path, msg, line) := object.union(fail(r, path, msg), {"line": line})

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

# --- Provider defaults and enumerations (mappings/terraform-defaults.yaml, input.terraform) ---

provider_data(section) := object.get(object.get(input, "terraform", {}), section, {})

# The documented default of `path` (dotted, blocks included) for resource type `type`, or null.
default_of(type, path) := object.get(object.get(provider_data("defaults"), type, {}), path, null)

# obj[name] when present and not null, else the provider default of `path` for r's type.
value(r, obj, name, path) := obj[name] if {
	obj[name] != null
} else := default_of(r.type, path)

# Is v one of the values the provider documents for `path` of `type`?  (No enumeration: any value.)
allowed(type, path, v) if {
	some a in enum(type, path)
	lower(sprintf("%v", [a])) == lower(sprintf("%v", [v]))
}

allowed(type, path, _) if count(enum(type, path)) == 0

enum(type, path) := object.get(object.get(provider_data("enums"), type, {}), path, [])

# --- Unknown values ---

# Is the value at `path` of r unknown (unresolved expression, or known only after apply)?
unknown(r, path) if object.get(object.get(r, "unknown", {}), path, null) != null

# Is attribute `name` of r set to a value that cannot turn out null?  An unknown variable, local,
# module output or after-apply value may be null, so it is not "set"; a policy that accepts
# "name is set" denies on `not known_set(r, name)` with path `name`, which the engine reports as
# inconclusive when the value is unknown.
known_set(r, name) if {
	is_set(attr(r, name))
	not object.get(object.get(r, "maybe_null", {}), name, false)
}

# known_set for a value inside a block: `obj` is the block (tf.block(...)), `name` the attribute and
# `path` its dotted path from the resource (`"logging_config.bucket"`), under which unknowns are keyed.
known_set_in(r, obj, name, path) if {
	is_set(object.get(obj, name, null))
	not object.get(object.get(r, "maybe_null", {}), path, false)
}
