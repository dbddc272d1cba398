# METADATA
# title: Changes are not merged during a change freeze
# description: >-
#   A change merged inside one of the `freeze_windows` (or, if not merged yet, gated inside
#   one, judged at the run's time `input.params.now`) fails unless it is an emergency change
#   (`emergency.labels` or the record's `emergency` flag). A merged change whose merge time
#   is unknown fails while freeze windows are configured.
# custom:
#   id: CHG-007
#   severity: medium
#   requirement: change-freeze
#   resource_types: [change_record]
#   controls:
#     CC8.1: Changes are implemented only in approved change windows; exceptions follow the emergency path.
#   remediation: |
#     Wait until the freeze ends, or follow the emergency procedure (label the change
#     "emergency"; it then needs a retroactive review, CHG-008).
package soc2gate.policies.change.change_freeze

import data.soc2gate.lib.change
import rego.v1

windows := change.setting(["freeze_windows"])

moment(r) := ["merged", change.attr(r, "merged_at")] if {
	change.merged(r)
	change.has_text(r, "merged_at")
}

moment(r) := ["gated", input.params.now] if not change.merged(r)

deny contains change.fail(r, "merged_at", "the change is merged but its merge time is unknown, so freeze windows cannot be checked") if {
	some r in change.records
	count(windows) > 0
	change.merged(r)
	not change.has_text(r, "merged_at")
}

deny contains change.fail(r, "merged_at", msg) if {
	some r in change.records
	not change.emergency(r)
	[verb, at] := moment(r)
	t := change.time_ns(at)
	some w in windows
	change.time_ns(w.start) <= t
	t < change.time_ns(w.end)
	msg := sprintf("%s at %s during the change freeze \"%s\" (%s to %s) without being an emergency change", [verb, at, w.reason, w.start, w.end])
}
