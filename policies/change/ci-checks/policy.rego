# METADATA
# title: Required CI checks succeeded on the head commit
# description: >-
#   The change was tested: every check named in `checks.required` (default: every check
#   reported for the head commit) concluded with one of `checks.success_conclusions`
#   (default: success) on the head commit. A check that ran on an older commit does not
#   count; missing check data, or no check at all on the head commit, is a failure.
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
#     must pass in .soc2gate.yaml:
#       change_management:
#         checks:
#           required: [build, test, soc2gate]
package soc2gate.policies.change.ci_checks

import data.soc2gate.lib.change
import rego.v1

required := change.setting(["checks", "required"])

success := {lower(c) | some c in change.setting(["checks", "success_conclusions"])}

on_head(r) := [c | some c in change.items(r, "checks"); object.get(c, "commit", null) == change.head(r)]

passed(c) if lower(c.conclusion) in success

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
	msg := sprintf("no CI check was reported for the head commit %s", [change.short(change.head(r))])
}

deny contains change.fail(r, "checks", msg) if {
	some r in change.records
	change.has_list(r, "checks")
	change.has_text(r, "head_commit")
	count(required) == 0
	bad := [sprintf("%s (%s)", [c.name, c.conclusion]) | some c in on_head(r); not passed(c)]
	count(bad) > 0
	msg := concat(": ", [sprintf("checks did not succeed on the head commit %s", [change.short(change.head(r))]), change.list_text(bad)])
}

deny contains change.fail(r, "checks", msg) if {
	some r in change.records
	change.has_list(r, "checks")
	change.has_text(r, "head_commit")
	missing := [name | some name in required; not reported(r, name)]
	count(missing) > 0
	msg := concat(": ", [sprintf("required checks not reported for the head commit %s", [change.short(change.head(r))]), change.list_text(missing)])
}

deny contains change.fail(r, "checks", msg) if {
	some r in change.records
	change.has_text(r, "head_commit")
	bad := [sprintf("%s (%s)", [c.name, c.conclusion]) | some name in required; some c in on_head(r); c.name == name; not passed(c)]
	count(bad) > 0
	msg := concat(": ", [sprintf("required checks did not succeed on the head commit %s", [change.short(change.head(r))]), change.list_text(bad)])
}

reported(r, name) if {
	some c in on_head(r)
	c.name == name
}
