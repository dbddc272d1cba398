# What is known of a value that is not fully known (docs/terraform-fidelity.md, "Partial values").
#
# An unknown string keeps its original text in `attributes` (with "${...}" in it); when part of it
# is known, `r.partial[text]` says what: {"segments": [..]} for a template — the known text, and
# null for each unknown part, in order ("arn:${data.aws_partition.current.partition}:s3:::b/*" ->
# ["arn:", null, ":s3:::b/*"]) — or {"json": doc} for `jsonencode` of a partly known value (its
# partly known leaves are "${...}" texts, themselves looked up here; a leaf nothing is known of is
# "${unknown(<expression>)}"); a template also has "pattern",
# a regex of every value it can take.  An unknown part may be any string, so these tests answer
# "could the value be ...?" and never guess it: a policy decides where no possible value changes
# the answer and stays inconclusive otherwise.
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

# Could value x of resource r be exactly the string s?  A known x: x == s; a template: its
# pattern (computed by the parser, where escaping is exact) matches s; nothing known: yes.
may_equal(_, x, s) if {
	is_string(x)
	not unresolved(x)
	x == s
}

may_equal(r, x, s) if {
	unresolved(x)
	regex.match(r.partial[x].pattern, s)
}

may_equal(r, x, _) if {
	unresolved(x)
	not is_string(object.get(object.get(object.get(r, "partial", {}), x, {}), "pattern", null))
}

may_equal(_, x, _) if not is_string(x)

# Could value x of r start (end) with t?  Known text before the first (after the last) unknown
# part must agree with t; the rest is not examined (an over-approximation: "may").
may_start_with(r, x, t) if {
	segs := segments(r, x)
	not has_hole(segs)
	startswith(concat("", segs), t)
}

may_start_with(r, x, t) if {
	segs := segments(r, x)
	has_hole(segs)
	compatible(prefix(segs), t)
}

may_end_with(r, x, t) if {
	segs := segments(r, x)
	not has_hole(segs)
	endswith(concat("", segs), t)
}

may_end_with(r, x, t) if {
	segs := segments(r, x)
	has_hole(segs)
	compatible_end(suffix(segs), t)
}

# The text every value of these segments starts (ends) with.
prefix(segs) := concat("", array.slice(segs, 0, first_hole(segs)))

suffix(segs) := concat("", array.slice(segs, last_hole(segs) + 1, count(segs)))

has_hole(segs) if {
	some x in segs
	x == null
}

holes(segs) := [i |
	some i
	segs[i] == null
]

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
