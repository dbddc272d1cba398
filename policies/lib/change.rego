# Helpers for change-management policies over normalized change records.
#
# A record's attributes follow src/soc2gate/schemas/change-record.schema.json: a field that
# is absent (null) is unknown, an empty list is known to be empty.  Parameters come from
# input.params.change_management with every documented default filled in (see
# docs/change-management.md); time comes from input.params.now, never from the clock.
package soc2gate.lib.change

import data.soc2gate.lib.finding
import rego.v1

records := object.get(input.resources, "change_record", [])

params := object.get(input.params, "change_management", {})

param(name, default_value) := object.get(params, name, default_value)

# A parameter by key path, e.g. setting(["approvals", "min"]).
setting(path) := object.get(params, path, null)

fail(r, path, msg) := finding.fail(r, path, msg)

# An inconclusive item (a required check still running): the same shape as a finding.
pending(r, path, msg) := finding.fail(r, path, msg)

attr(r, name) := object.get(r.attributes, name, null)

# The field is a list (known), possibly empty.
has_list(r, name) if is_array(attr(r, name))

# The list, or [] when unknown (test has_list first where unknown must fail).
items(r, name) := attr(r, name) if has_list(r, name)

items(r, name) := [] if not has_list(r, name)

# The field is a non-empty string.
has_text(r, name) if {
	is_string(attr(r, name))
	attr(r, name) != ""
}

# Logins are compared only in their canonical form (NFKC, zero-width characters removed, trimmed,
# case folded), computed once by soc2gate (parsers/change/logins.py) for every login of the record.
login(r, name) := object.get(object.get(r.attributes, "canonical_logins", {}), name, lower(trim_space(name))) if is_string(name)

author(r) := login(r, attr(r, "author")) if has_text(r, "author")

merged(r) if attr(r, "merged") == true

head(r) := attr(r, "head_commit")

short(sha) := substring(sha, 0, 12) if is_string(sha)

short(sha) := "unknown" if not is_string(sha)

list_text(items) := concat(", ", sort([sprintf("%v", [i]) | some i in items]))

# ---- time (RFC 3339 strings with a numeric offset, as soc2gate normalizes them)

time_ns(t) := time.parse_rfc3339_ns(t) if is_string(t)

now_ns := time.parse_rfc3339_ns(input.params.now)

# ---- emergency changes

emergency(r) if attr(r, "emergency") == true

emergency(r) if {
	some label in items(r, "labels")
	lower(label) in setting(["emergency", "labels"])
}

# ---- bots and apps never count as approvers

bot_login(name) if endswith(name, "[bot]")

bot_login(name) if name in setting(["bot_accounts"])

bot_login(name) if regex.match(`^(project|group)_[0-9]+_bot`, name)

bot_approval(r, a) if bot_login(login(r, a.user))

bot_approval(_, a) if lower(object.get(a, "user_type", "")) == "bot"

# ---- approvals

approvals(r) := items(r, "approvals")

state(a) := lower(object.get(a, "state", ""))

commit_authors(r) := {login(r, u) | some u in items(r, "commit_authors")} if has_list(r, "commit_authors")

is_author(r, a) if login(r, a.user) == author(r)

is_commit_author(r, a) if {
	setting(["approvals", "exclude_commit_authors"]) == true
	login(r, a.user) in commit_authors(r)
}

# Without a known head commit no approval can be shown to be on it.
stale(r, a) if {
	setting(["approvals", "dismiss_stale"]) == true
	not has_text(r, "head_commit")
}

stale(r, a) if {
	setting(["approvals", "dismiss_stale"]) == true
	object.get(a, "commit", null) != head(r)
}

stale_text(r, _) := "the head commit is unknown, so it cannot be shown to approve the head commit" if not has_text(r, "head_commit")

stale_text(r, a) := sprintf("given on %s, not on the head commit %s", [short(object.get(a, "commit", null)), short(head(r))]) if has_text(r, "head_commit")

# A later "changes requested" or "dismissed" review by the same user withdraws an approval.
superseded(r, a) if {
	some b in approvals(r)
	login(r, b.user) == login(r, a.user)
	state(b) in {"changes_requested", "dismissed"}
	time_ns(b.submitted_at) > time_ns(a.submitted_at)
}

# Why an approval does not count regardless of when it came; "" when it counts.
base_objection(r, a) := "the author" if is_author(r, a)
else := "a commit author" if is_commit_author(r, a)
else := "a bot or app" if bot_approval(r, a)
else := stale_text(r, a) if stale(r, a)
else := "withdrawn by a later review" if superseded(r, a)
else := ""

# A merged change counts only approvals submitted before its merge (submitted_at <= merged_at).
merge_objection(r, _) := "the merge time is unknown, so it cannot be shown to precede the merge" if {
	merged(r)
	not has_text(r, "merged_at")
}

merge_objection(r, a) := "no submission time, so it cannot be shown to precede the merge" if {
	merged(r)
	has_text(r, "merged_at")
	not is_string(object.get(a, "submitted_at", null))
}

merge_objection(r, a) := sprintf("submitted at %s, after the merge at %s", [a.submitted_at, attr(r, "merged_at")]) if {
	merged(r)
	has_text(r, "merged_at")
	time_ns(a.submitted_at) > time_ns(attr(r, "merged_at"))
}

objection(r, a) := o if {
	o := base_objection(r, a)
	o != ""
} else := o if {
	o := merge_objection(r, a)
} else := ""

counted(r, a) if {
	state(a) == "approved"
	objection(r, a) == ""
}

# An independent approval at any time (the retroactive review of an emergency change, CHG-008).
counted_retroactively(r, a) if {
	state(a) == "approved"
	base_objection(r, a) == ""
}

independent_approvers(r) := {login(r, a.user) | some a in approvals(r); counted(r, a)}

not_counted(r) := [sprintf("%s: %s", [a.user, objection(r, a)]) |
	some a in approvals(r)
	state(a) == "approved"
	objection(r, a) != ""
]

# " (not counted: ...)" or "".
not_counted_text(r) := concat("", [" (not counted: ", concat("; ", not_counted(r)), ")"]) if count(not_counted(r)) > 0

not_counted_text(r) := "" if count(not_counted(r)) == 0

# ---- change controls declared in Terraform (TF-150 .. TF-169)

github_protection_types := ["github_branch_protection", "github_branch_protection_v3", "github_repository_ruleset"]

# Resources of the listed types that exist after the change (deletions excluded).
declared(types) := [r |
	some t in types
	some r in object.get(input.resources, t, [])
	not deleting(r)
]

deleting(r) if {
	"delete" in r.actions
	not "create" in r.actions
}

# Branch protections and branch rulesets (tag and push rulesets do not gate merges).
github_protections := [r | some r in declared(github_protection_types); branch_scoped(r)]

branch_scoped(r) if r.type != "github_repository_ruleset"

branch_scoped(r) if {
	r.type == "github_repository_ruleset"
	object.get(r.attributes, "target", "branch") == "branch"
}

# First nested block `name` of obj (HCL gives lists of objects), or {}.
nested(obj, name) := b if {
	bs := object.get(obj, name, [])
	is_array(bs)
	count(bs) > 0
	b := bs[0]
} else := b if {
	b := object.get(obj, name, {})
	is_object(b)
} else := {}

ruleset_rules(r) := nested(r.attributes, "rules")

# The pull-request review settings and their attribute path.
review_block(r) := nested(ruleset_rules(r), "pull_request") if r.type == "github_repository_ruleset"

review_block(r) := nested(r.attributes, "required_pull_request_reviews") if r.type != "github_repository_ruleset"

review_path(r) := "rules.pull_request" if r.type == "github_repository_ruleset"

review_path(r) := "required_pull_request_reviews" if r.type != "github_repository_ruleset"

has_reviews(r) if review_block(r) != {}

# Terraform booleans may arrive as true or "true".
tf_true(v) if v == true

tf_true(v) if v == "true"

tf_false(v) if v == false

tf_false(v) if v == "false"
