# Shapes of values, one meaning per name (docs/writing-policies.md, "Library").
package soc2gate.lib.values

import rego.v1

# A value that may be one item or a list of them, as a list: a list as it is, null as [],
# anything else (one string, number, object) as a one-element list.
# Use for attributes that accept "x" or ["x", "y"] (IAM Action, source_address_prefix, members).
as_list(v) := v if {
	is_array(v)
} else := [] if {
	v == null
} else := [v]

# A value that must be a list, as a list: a list as it is, anything else (null, missing,
# a malformed scalar or object) as [].  Use where the schema says "list" (Kubernetes fields).
list_or_empty(v) := v if {
	is_array(v)
} else := []

# A value that must be an object, as an object: objects as they are, anything else as {}.
as_object(v) := v if {
	is_object(v)
} else := {}

# Set: not null, not empty string, not empty list/object.
is_set(v) if {
	v != null
	v != ""
	v != []
	v != {}
}

# obj has the key (whatever its value, null included).
has_key(obj, key) if {
	_ = obj[key]
}
