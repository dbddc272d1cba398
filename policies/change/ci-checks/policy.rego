# METADATA
# title: Required CI checks succeeded on the head commit
# description: >-
#   The change was tested: every check named in `checks.required` (default: every check
#   reported for the head commit) concluded with one of `checks.success_conclusions`
#   (default: success) on the head commit. The gate's own check run (and earlier runs of it,
#   marked `gate: true` when the record is completed from the API inside the CI job) and
#   checks named in `checks.ignore` are never counted. A check still queued or in progress
#   (`checks.pending_conclusions`) is pending: inconclusive with its name, not a failure; the
#   gate runs again when it completes. A check that ran on an older commit does not count;
#   missing check data, or no counted check at all on the head commit, is a failure.
# custom:
#   id: CHG-002
#   severity: high
#   requirement: ci-checks
#   resource_types: [change_record]
#   controls:
#     CC8.1: Changes are tested before they are implemented.
#     CC7.1: Automated checks on every change detect configuration changes that introduce vulnerabilities.
#   remediation: |
#     Make the failing or missing checks pass on the latest commit, or list the checks that
#     must pass (and those never to count) in .soc2gate.yaml:
#       change_management:
#         checks:
#           required: [build, test]
#           ignore: ["docs preview"]
package soc2gate.policies.change.ci_checks

import data.soc2gate.lib.change
import rego.v1

required := change.setting(["checks", "required"])

success := {lower(c) | some c in change.setting(["checks", "success_conclusions"])}

waiting := {lower(c) | some c in change.setting(["checks", "pending_conclusions"])}

ignored(c) if object.get(c, "gate", false) == true

ignored(c) if {
	some pattern in change.setting(["checks", "ignore_regexes"])
	regex.match(pattern, c.name)
}

# The checks on the head commit that count (not the gate's own, not ignored).
on_head(r) := [c |
	some c in change.items(r, "checks")
	object.get(c, "commit", null) == change.head(r)
	not ignored(c)
]

passed(c) if lower(c.conclusion) in success

unfinished(c) if lower(c.conclusion) in waiting

failed(c) if {
	not passed(c)
	not unfinished(c)
}

# The checks judged: every counted one, or the required ones.
judged(r) := on_head(r) if count(required) == 0

judged(r) := [c | some c in on_head(r); c.name in required] if count(required) > 0

judged_kind := "checks" if count(required) == 0

judged_kind := "required checks" if count(required) > 0

sha(r) := change.short(change.head(r))

deny contains change.fail(r, "checks", "the record has no CI check data: an untested change is a failure, not a pass") if {
	some r in change.records
	not change.has_list(r, "checks")
}

deny contains change.fail(r, "head_commit", "the head commit is unknown, so check results cannot be tied to it") if {
	some r in change.records
	change.has_list(r, "checks")
	not change.has_text(r, "head_commit")
}

deny contains change.fail(r, "checks", msg) if {
	some r in change.records
	change.has_list(r, "checks")
	change.has_text(r, "head_commit")
	count(required) == 0
	count(on_head(r)) == 0
	msg := sprintf("no CI check other than the gate itself was reported for the head commit %s", [sha(r)])
}

deny contains change.fail(r, "checks", msg) if {
	some r in change.records
	change.has_text(r, "head_commit")
	bad := [sprintf("%s (%s)", [c.name, c.conclusion]) | some c in judged(r); failed(c)]
	count(bad) > 0
	msg := concat(": ", [sprintf("%s did not succeed on the head commit %s", [judged_kind, sha(r)]), change.list_text(bad)])
}

deny contains change.fail(r, "checks", msg) if {
	some r in change.records
	change.has_list(r, "checks")
	change.has_text(r, "head_commit")
	missing := [name | some name in required; not reported(r, name)]
	count(missing) > 0
	msg := concat(": ", [sprintf("required checks not reported for the head commit %s", [sha(r)]), change.list_text(missing)])
}

inconclusive contains change.pending(r, "checks", msg) if {
	some r in change.records
	change.has_text(r, "head_commit")
	waits := [sprintf("%s (%s)", [c.name, c.conclusion]) | some c in judged(r); unfinished(c)]
	count(waits) > 0
	msg := concat(": ", [sprintf("pending: checks not finished on the head commit %s", [sha(r)]), change.list_text(waits)])
}

reported(r, name) if {
	some c in on_head(r)
	c.name == name
}
