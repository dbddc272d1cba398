# METADATA
# title: Authors do not merge or deploy their own unapproved changes
# description: >-
#   Separation of duties: when a change is merged, the record must say who merged it, and
#   the merger may be the author only if another person independently approved the change
#   (`separation_of_duties.merger`). When the record names a deployer, the same holds for
#   the deployer (`separation_of_duties.deployer`). A change that is not merged yet passes
#   the merger check (it is gated again when merged). Emergency changes are reported
#   inconclusive until the retroactive review (CHG-008).
# custom:
#   id: CHG-004
#   severity: high
#   requirement: separation-of-duties
#   resource_types: [change_record]
#   controls:
#     CC8.1: A change is implemented only after someone other than its author approved it.
#     CC6.3: Segregation of duties keeps one person from both authoring and releasing a change.
#   remediation: |
#     Have another person approve before merging (enable branch protection with required
#     reviews and "include administrators"), or let someone else merge/deploy.
package soc2gate.policies.change.separation_of_duties

import data.soc2gate.lib.change
import rego.v1

approved_by_other(r, actor) if {
	some user in change.independent_approvers(r)
	user != change.login(r, actor)
}

self_release(r, role, actor) if {
	change.setting(["separation_of_duties", role]) == true
	change.login(r, actor) == change.author(r)
	not approved_by_other(r, actor)
}

deny contains change.fail(r, "merged_by", "the change is merged but the record does not say who merged it") if {
	some r in change.records
	change.setting(["separation_of_duties", "merger"]) == true
	change.merged(r)
	not change.has_text(r, "merged_by")
}

deny contains change.fail(r, "author", "the author is unknown, so the merger cannot be shown to be someone else") if {
	some r in change.records
	change.setting(["separation_of_duties", "merger"]) == true
	change.merged(r)
	not change.author(r)
}

deny contains change.fail(r, path, msg) if {
	some r in change.records
	not change.emergency(r)
	some [role, path, verb] in [["merger", "merged_by", "merged"], ["deployer", "deployer", "deployed"]]
	releases(r, role)
	actor := change.attr(r, path)
	self_release(r, role, actor)
	msg := sprintf("%s by its author %s without an independent approval by another person", [verb, actor])
}

inconclusive contains change.pending(r, path, msg) if {
	some r in change.records
	change.emergency(r)
	some [role, path, verb] in [["merger", "merged_by", "merged"], ["deployer", "deployer", "deployed"]]
	releases(r, role)
	actor := change.attr(r, path)
	self_release(r, role, actor)
	msg := sprintf("emergency change %s by its author %s: separation of duties rests on the retroactive review (CHG-008)", [verb, actor])
}

releases(r, "merger") if {
	change.merged(r)
	change.has_text(r, "merged_by")
}

releases(r, "deployer") if change.has_text(r, "deployer")
