# METADATA
# title: Changes merge into a protected branch
# description: >-
#   The change targets a branch listed in `protected_branches` (globs; default main and
#   master), where branch protection enforces the review process. A record without a
#   target branch fails.
# custom:
#   id: CHG-006
#   severity: medium
#   requirement: target-branch
#   resource_types: [change_record]
#   controls:
#     CC8.1: Changes reach production only through branches under change control.
#   remediation: |
#     Retarget the pull/merge request to a protected branch, or add the branch (pattern) to
#     change_management.protected_branches once it is protected.
package soc2gate.policies.change.protected_branch

import data.soc2gate.lib.change
import rego.v1

deny contains change.fail(r, "target_branch", "the record does not name its target branch") if {
	some r in change.records
	not change.has_text(r, "target_branch")
}

deny contains change.fail(r, "target_branch", msg) if {
	some r in change.records
	change.has_text(r, "target_branch")
	not protected(change.attr(r, "target_branch"))
	msg := concat("", [
		sprintf("targets `%s`, which is not a protected branch (", [change.attr(r, "target_branch")]),
		concat(", ", change.setting(["protected_branches"])), ")",
	])
}

protected(branch) if {
	some pattern in change.setting(["protected_branch_regexes"])
	regex.match(pattern, branch)
}
