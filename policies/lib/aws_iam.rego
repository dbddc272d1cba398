# Helpers for AWS policy documents (IAM, bucket, queue and topic policies).
#
# A document arrives as a JSON string (literal or heredoc), as the text of
# `jsonencode({...})` that the parser could not evaluate, as a reference to a
# `data "aws_iam_policy_document"` in the same module, or as that data source's
# `statement` blocks.  Every form is turned into the same statement shape:
#   {"effect", "actions", "not_actions", "resources", "not_resources",
#    "principals", "conditional", "unknown"}
# List elements that hold an unresolved expression keep a "${" or "<ref:" marker;
# `unknown` is true when the effect or any of these lists holds one.
package soc2gate.lib.aws_iam

import data.soc2gate.lib.partial
import data.soc2gate.lib.terraform as tf
import data.soc2gate.lib.values
import rego.v1

# Statements of a policy attribute value `v` of resource `r` (undefined when undecodable).
statements(r, v) := [normalize(s) | some s in json_statements(d)] if {
	d := document(r, v)
} else := block_statements(doc) if {
	doc := data_document(r, v)
}

# The JSON document of `v`: `jsonencode` of a partly known value (lib/partial), or decoded text;
# only when its statements are known to be objects (an unknown `Statement`, statement or
# `Condition` hides what the document grants).
document(r, v) := d if {
	d := partial.json_document(r, v)
	is_object(d)
	structure_known(d)
} else := d if {
	d := decode(v)
	structure_known(d)
}

structure_known(d) if {
	not marked(object.get(d, "Statement", null))
	every s in json_statements(d) {
		is_object(s)
		not marked(object.get(s, "Condition", null))
		every c in condition_entries(object.get(s, "Condition", null)) {
			not marked(c)
		}
	}
}

condition_entries(c) := [e | some e in c] if {
	is_object(c)
} else := []

# Statements of a `data "aws_iam_policy_document"` resource (of the input's: read once per evaluation).
block_statements(doc) := input_block_statements[doc] if {
	input_block_statements[doc]
} else := read_block_statements(doc)

read_block_statements(doc) := [block_statement(s) | some s in tf.blocks(doc.attributes, "statement")]

input_block_statements := {doc: read_block_statements(doc) |
	some doc in object.get(input.resources, "aws_iam_policy_document", [])
}

# Is the value an expression the document cannot be read from?
undecodable(r, v) if {
	is_string(v)
	not document(r, v)
	not data_document(r, v)
}

undecodable(_, v) if not is_string(v)


decode(v) := d if {
	is_string(v)
	json.is_valid(v)
	d := json.unmarshal(v)
	is_object(d)
} else := d if {
	is_string(v)
	startswith(v, "${jsonencode(")
	endswith(v, ")}")
	text := hcl_to_json(substring(v, 13, count(v) - 15))
	json.is_valid(text)
	d := json.unmarshal(text)
	is_object(d)
}

# HCL object syntax (`{Key = "v", "a:b" = ref.x}`) to JSON; references become "<ref:...>".
hcl_to_json(t) := t3 if {
	t1 := regex.replace(t, `([{,]\s*)([A-Za-z_][A-Za-z0-9_-]*)\s*=\s*`, `$1"$2": `)
	t2 := regex.replace(t1, `("[^"]*")\s*=\s*`, `$1: `)
	t3 := regex.replace(t2, `([:\[,]\s*)((?:var|local|data|module|each|count|path|aws_[a-z0-9_]+)(?:\.[A-Za-z0-9_*-]+|\[[^\]]*\])+)`, `$1"<ref:$2>"`)
}

data_document(r, v) := docs[0] if {
	is_string(v)
	m := regex.find_all_string_submatch_n(`^\$\{data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)(?:\[[^\]]*\])?\.json\}$`, v, 1)
	count(m) == 1
	docs := [doc |
		some doc in object.get(data_documents_by_name, m[0][1], [])
		doc.module == r.module
		doc.root == r.root
	]
	count(docs) > 0
}

# `data "aws_iam_policy_document"` sources grouped by name, computed once per evaluation.
data_document_names := {d.name |
	some d in object.get(input.resources, "aws_iam_policy_document", [])
	d.kind == "data"
}

data_documents_by_name := {n: [d |
	some d in object.get(input.resources, "aws_iam_policy_document", [])
	d.kind == "data"
	d.name == n
] |
	some n in data_document_names
}

json_statements(d) := d.Statement if {
	is_array(d.Statement)
} else := [d.Statement] if {
	is_object(d.Statement)
} else := []

normalize(s) := n if {
	n0 := {
		"effect": effect(object.get(s, "Effect", null)),
		"actions": values.as_list(object.get(s, "Action", [])),
		"not_actions": values.as_list(object.get(s, "NotAction", [])),
		"resources": values.as_list(object.get(s, "Resource", [])),
		"not_resources": values.as_list(object.get(s, "NotResource", [])),
		"principals": json_principals(object.get(s, "Principal", [])),
		"principal_forms": json_principal_forms(object.get(s, "Principal", [])),
		"not_principals": json_principals(object.get(s, "NotPrincipal", [])),
		"conditional": tf_set(object.get(s, "Condition", null)),
		"condition_keys": json_condition_keys(object.get(s, "Condition", {})),
		"conditions": json_conditions(object.get(s, "Condition", {})),
	}
	n := object.union(n0, {"unknown": statement_unknown(n0)})
}

# An omitted effect, or one set to null (Terraform treats a null argument as omitted), is Allow.
effect(e) := "Allow" if e == null else := e

block_statement(s) := n if {
	n0 := {
		"effect": effect(object.get(s, "effect", null)),
		"actions": values.as_list(object.get(s, "actions", [])),
		"not_actions": values.as_list(object.get(s, "not_actions", [])),
		"resources": values.as_list(object.get(s, "resources", [])),
		"not_resources": values.as_list(object.get(s, "not_resources", [])),
		"principals": [id | some p in tf.blocks(s, "principals"); some id in block_identifiers(p)],
		"principal_forms": [{"type": object.get(p, "type", ""), "id": id} |
			some p in tf.blocks(s, "principals")
			some id in values.as_list(object.get(p, "identifiers", []))
		],
		"not_principals": [id | some p in tf.blocks(s, "not_principals"); some id in block_identifiers(p)],
		"conditional": count(tf.blocks(s, "condition")) > 0,
		"condition_keys": [lower(sprintf("%v", [object.get(c, "variable", "")])) | some c in tf.blocks(s, "condition")],
		"conditions": [condition(sprintf("%v", [object.get(c, "test", "")]), sprintf("%v", [object.get(c, "variable", "")]), object.get(c, "values", [])) |
			some c in tf.blocks(s, "condition")
		],
	}
	n := object.union(n0, {"unknown": statement_unknown(n0)})
}

json_condition_keys(c) := [cond.key | some cond in json_conditions(c)]

# {"StringEquals": {"aws:SourceVpc": "vpc-1"}} -> [{"op": "stringequals", "key": "aws:sourcevpc", "values": ["vpc-1"]}]
json_conditions(c) := [cond |
	is_object(c)
	some cop in object.keys(c)
	is_object(c[cop])
	some cond in operator_conditions(cop, c[cop])
]

operator_conditions(op, entries) := [condition(op, ckey, entries[ckey]) | some ckey in object.keys(entries)]

condition(op, key, vals) := {"op": lower(op), "key": lower(key), "values": values.as_list(vals)}

block_identifiers(p) := [sprintf("%v:%v", [object.get(p, "type", ""), id]) | some id in values.as_list(object.get(p, "identifiers", []))]

# Principal "*" -> ["*"]; {"AWS": ["*", "arn"], "Service": "x"} -> ["AWS:*", "AWS:arn", "Service:x"].
json_principals(p) := ["*"] if {
	p == "*"
} else := [sprintf("%v:%v", [k, id]) |
	some k
	v := p[k]
	some id in values.as_list(v)
] if {
	is_object(p)
} else := [sprintf("%v", [x]) | some x in values.as_list(p)]

# The principals as {"type", "id"} (type null for a bare "*" or an unresolved Principal), for
# form_may_equal / form_may_start_with.
json_principal_forms(p) := [{"type": null, "id": "*"}] if {
	p == "*"
} else := [{"type": k, "id": id} |
	some k
	v := p[k]
	some id in values.as_list(v)
] if {
	is_object(p)
} else := [{"type": null, "id": x} | some x in values.as_list(p)]

# Is principal form f ({"type", "id"}) unresolved, in its type or its identifier?
form_unresolved(f) if partial.unresolved(f.type)

form_unresolved(f) if partial.unresolved(f.id)

# Could principal form f of resource r be exactly s ("AWS:*")?  A known type must match;
# the identifier is judged by lib/partial (a Federated or Service principal is never "AWS:*").
form_may_equal(r, f, s) if {
	f.type == null
	partial.may_equal(r, f.id, s)
}

form_may_equal(r, f, s) if {
	is_string(f.type)
	not partial.unresolved(f.type)
	p := concat("", [f.type, ":"])
	startswith(s, p)
	partial.may_equal(r, f.id, trim_prefix(s, p))
}

form_may_equal(_, f, _) if partial.unresolved(f.type)

# Could principal form f of resource r start with t ("AWS:arn:")?
form_may_start_with(r, f, t) if {
	f.type == null
	partial.may_start_with(r, f.id, t)
}

form_may_start_with(_, f, t) if {
	is_string(f.type)
	not partial.unresolved(f.type)
	startswith(concat("", [f.type, ":"]), t)
}

form_may_start_with(r, f, t) if {
	is_string(f.type)
	not partial.unresolved(f.type)
	p := concat("", [f.type, ":"])
	startswith(t, p)
	partial.may_start_with(r, f.id, trim_prefix(t, p))
}

form_may_start_with(_, f, _) if partial.unresolved(f.type)

# Can the statement allow (its effect is Allow, absent or unresolved)?
may_allow(s) if not lower(sprintf("%v", [s.effect])) == "deny"

# true when x holds something, false otherwise (never undefined).
tf_set(x) := true if {
	x != null
	x != {}
	x != []
	x != ""
} else := false

marked(x) if {
	is_string(x)
	contains(x, "${")
}

marked(x) if {
	is_string(x)
	contains(x, "<ref:")
}

statement_unknown(n) := count(unknown_parts(n)) > 0

unknown_parts(n) := [x |
	some key in ["effect", "actions", "not_actions", "resources", "not_resources", "principals", "not_principals"]
	some x in values.as_list(n[key])
	marked(x)
]

# --- predicates over one normalized statement ---

allows(s) if lower(s.effect) == "allow"

# A wildcard principal: "*" or {"AWS": "*"} (JSON) or principals { type = "AWS"/"*", identifiers = ["*"] }.
public_principal(s) if {
	some p in s.principals
	p in {"*", "AWS:*", "*:*"}
}

# Condition keys that pin a statement to known callers (what AWS itself treats as
# "not public" when evaluating bucket policies for Block Public Access).
restricting_keys := {
	"aws:sourceip", "aws:sourcevpc", "aws:sourcevpce", "aws:sourcearn", "aws:sourceaccount",
	"aws:sourceowner", "aws:sourceorgid", "aws:sourceorgpaths", "aws:principalorgid",
	"aws:principalorgpaths", "aws:principalaccount", "aws:principalarn", "aws:userid",
	"s3:dataaccesspointarn", "s3:dataaccesspointaccount", "lambda:eventsourcetoken",
}

# A condition restricts only if its key, its operator and every value restrict:
# `ArnLike aws:PrincipalArn arn:aws:iam::*` or `StringNotEquals aws:SourceVpc vpc-1` restrict nothing.
restricted(s) if {
	some c in s.conditions
	restricting_condition(c)
}

restricting_condition(c) if {
	c.key in restricting_keys
	restricting_operator(c.op)
	count(c.values) > 0
	every v in c.values {
		restricting_value(c.op, v)
	}
}

# Positive matches only: negated operators, ...IfExists (matches when the key is absent), Null
# and ForAllValues (true on an empty set) do not pin the caller.
restricting_operator(op) if {
	base := trim_prefix(op, "foranyvalue:")
	base in {"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike", "ipaddress"}
}

restricting_value(_, v) if is_number(v)

restricting_value(_, v) if {
	is_string(v)
	marked(v)
}

restricting_value(op, v) if {
	is_string(v)
	not marked(v)
	not regex.match(`^[*?]*$`, v)
	not v in {"0.0.0.0/0", "::/0"}
	not regex.match(`^arn:[^:]*:[^:]*:[^:]*:[*?]*(:|$)`, v)
}

# Could an unresolved principal or effect make statement s of resource r allow any principal
# ("*", AWS "*")?  A Service or Federated principal, or an ARN with known text, cannot be "*".
principal_may_be_public(r, s) if {
	may_allow(s)
	some f in s.principal_forms
	form_unresolved(f)
	some p in {"*", "AWS:*", "*:*"}
	form_may_equal(r, f, p)
}

principal_may_be_public(_, s) if {
	marked(s.effect)
	public_principal(s)
}

# Is the effect or principal list unresolved?
principal_unknown(s) if marked(s.effect)

principal_unknown(s) if {
	some p in s.principals
	marked(p)
}

# Does the action list contain a pattern granting every action of `service` ("*" counts)?
grants_all_of(s, service) if {
	some a in s.actions
	is_string(a)
	lower(a) in {"*", concat("", [service, ":*"])}
}

any_action(s) if {
	some a in s.actions
	a == "*"
}

any_resource(s) if {
	some x in s.resources
	x == "*"
}
