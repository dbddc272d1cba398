# METADATA
# title: Emergency changes are reviewed after the fact in time
# description: >-
#   An emergency change (labelled with one of `emergency.labels`, default "emergency", or
#   flagged `emergency: true`) may merge without prior approval, but an independent approval
#   (same rules as CHG-001) must follow within `emergency.review_within_hours` (default 24)
#   of the merge. Past that deadline without one it fails; before it, it is inconclusive
#   (review pending). `soc2gate change overdue` lists the overdue ones across many records.
#   A merged emergency change without a merge time fails.
# custom:
#   id: CHG-008
#   severity: high
#   requirement: emergency-review
#   resource_types: [change_record]
#   controls:
#     CC8.1: Emergency changes follow a controlled path and are documented and approved after implementation.
#   remediation: |
#     Have someone other than the author review and approve the merged change (a post-merge
#     review on the pull/merge request), then re-run the gate or `soc2gate change overdue`.
package soc2gate.policies.change.emergency_review

import data.soc2gate.lib.change
import rego.v1

hours := change.setting(["emergency", "review_within_hours"])

due_ns(r) := change.time_ns(change.attr(r, "merged_at")) + ((hours * 3600) * 1000000000)

reviewed_in_time(r) if {
	some a in change.approvals(r)
	change.counted_retroactively(r, a)
	change.time_ns(a.submitted_at) <= due_ns(r)
}

open_emergency(r) if {
	change.emergency(r)
	change.merged(r)
	change.has_text(r, "merged_at")
	not reviewed_in_time(r)
}

deny contains change.fail(r, "merged_at", "emergency change is merged but its merge time is unknown, so the review deadline cannot be computed") if {
	some r in change.records
	change.emergency(r)
	change.merged(r)
	not change.has_text(r, "merged_at")
}

deny contains change.fail(r, "approvals", msg) if {
	some r in change.records
	open_emergency(r)
	change.now_ns > due_ns(r)
	msg := sprintf("emergency change merged at %s has no independent approval within %v hours: retroactive review overdue", [change.attr(r, "merged_at"), hours])
}

inconclusive contains change.pending(r, "approvals", msg) if {
	some r in change.records
	open_emergency(r)
	change.now_ns <= due_ns(r)
	msg := sprintf("emergency change merged at %s: retroactive independent review pending (due within %v hours of the merge)", [change.attr(r, "merged_at"), hours])
}
