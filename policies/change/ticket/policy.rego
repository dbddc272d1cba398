# METADATA
# title: Changes reference a ticket and are described
# description: >-
#   The change is documented: its title, description or source branch (`ticket.search`)
#   contains a ticket reference matching `ticket.pattern` (default: a Jira key such as
#   OPS-123), or the record lists `tickets` explicitly. When `ticket.min_description_length`
#   is above 0 the description must be at least that long.
# custom:
#   id: CHG-003
#   severity: medium
#   requirement: ticket
#   resource_types: [change_record]
#   controls:
#     CC8.1: Changes are documented and traceable to an authorized request.
#   remediation: |
#     Put the ticket key in the title or branch name, e.g. "OPS-123: rotate TLS certificates"
#     or branch ops-123-rotate-certs, and describe what changes and why.
package soc2gate.policies.change.ticket

import data.soc2gate.lib.change
import rego.v1

pattern := change.setting(["ticket", "pattern"])

texts(r) := [t | some field in change.setting(["ticket", "search"]); t := change.attr(r, field); is_string(t)]

referenced(r) if count(change.items(r, "tickets")) > 0

referenced(r) if {
	some t in texts(r)
	regex.match(pattern, t)
}

description(r) := trim_space(change.attr(r, "description")) if change.has_text(r, "description")

description(r) := "" if not change.has_text(r, "description")

deny contains change.fail(r, "title", msg) if {
	some r in change.records
	not referenced(r)
	msg := concat("", [sprintf("no ticket reference matching `%s` in ", [pattern]), concat(", ", change.setting(["ticket", "search"]))])
}

deny contains change.fail(r, "description", msg) if {
	some r in change.records
	minimum := change.setting(["ticket", "min_description_length"])
	minimum > 0
	count(description(r)) < minimum
	msg := sprintf("the description has %d characters, at least %d are required", [count(description(r)), minimum])
}
