# What is known of a value that is not fully known (docs/terraform-fidelity.md, "Partial values").
#
# An unknown string keeps its original text in `attributes` (with "${...}" in it); when part of it
# is known, `r.partial[text]` says what: {"segments": [..]} for a template — the known text, and
# null for each unknown part, in order ("arn:${data.aws_partition.current.partition}:s3:::b/*" ->
# ["arn:", null, ":s3:::b/*"]) — or {"json": doc} for `jsonencode` of a partly known value (its
# unknown leaves are "${...}" markers, themselves looked up here).  An unknown part may be any
# string, so these tests answer "could the value be ...?" and never guess it: a policy decides
# where no possible value changes the answer and stays inconclusive otherwise.
package soc2gate.lib.partial

import rego.v1

# Does the string hold an unresolved expression ("${...}", or "<ref:...>" from aws_iam)?
unresolved(x) if {
	is_string(x)
	contains(x, "${")
}

unresolved(x) if {
	is_string(x)
	contains(x, "<ref:")
}

# Segments of value x of resource r: [x] when x is a known string, the recorded shape of an
# unknown string, else [null] (nothing known: any value).
segments(r, x) := [x] if {
	is_string(x)
	not unresolved(x)
} else := s if {
	s := r.partial[x].segments
	is_array(s)
} else := [null]

# The JSON document a `jsonencode(...)` text of r stands for, when its structure is known.
json_document(r, x) := d if {
	is_string(x)
	d := r.partial[x].json
}

# Could a value of these segments be exactly s?
may_equal(segs, s) if regex.match(pattern(segs), s)

# Could a value of these segments start (end) with t?  Known text before the first (after the
# last) unknown part must agree with t; the rest is not examined (over-approximation: "may").
may_start_with(segs, t) if {
	not has_hole(segs)
	startswith(concat("", segs), t)
}

may_start_with(segs, t) if {
	has_hole(segs)
	p := prefix(segs)
	compatible(p, t)
}

may_end_with(segs, t) if {
	not has_hole(segs)
	endswith(concat("", segs), t)
}

may_end_with(segs, t) if {
	has_hole(segs)
	s := suffix(segs)
	compatible_end(s, t)
}

# The text every value of these segments starts (ends) with.
prefix(segs) := concat("", array.slice(segs, 0, first_hole(segs)))

suffix(segs) := concat("", array.slice(segs, last_hole(segs) + 1, count(segs)))

has_hole(segs) if {
	some x in segs
	x == null
}

holes(segs) := [i | some i, x in segs; x == null]

first_hole(segs) := min(holes(segs)) if {
	has_hole(segs)
} else := count(segs)

last_hole(segs) := max(holes(segs)) if {
	has_hole(segs)
} else := -1

compatible(a, b) if startswith(a, b)

compatible(a, b) if startswith(b, a)

compatible_end(a, b) if endswith(a, b)

compatible_end(a, b) if endswith(b, a)

# A regex (Rust and Go syntax) matching exactly the values of these segments.
pattern(segs) := concat("", ["^", concat("", [piece(x) | some x in segs]), "$"])

piece(null) := "(?s:.*)"

piece(x) := regex.replace(x, `[\\.+*?()|\[\]{}^$#&\-~]`, `\$0`) if is_string(x)
