# METADATA
# title: Changes to sensitive paths get stronger approval
# description: >-
#   A change touching a path matched by `sensitive_paths.globs` (default: CI workflows,
#   policies, IAM code, CODEOWNERS, the soc2gate configuration) needs
#   `sensitive_paths.min_approvals` (default 2) independent approvals, or one independent
#   approval by a user listed in `sensitive_paths.owners`. If the record does not list its
#   changed files while sensitive globs are configured, the check fails.
# custom:
#   id: CHG-005
#   severity: high
#   requirement: sensitive-paths
#   resource_types: [change_record]
#   controls:
#     CC8.1: Changes to the change process, CI and security controls themselves get stronger authorization.
#     CC6.1: Changes to IAM and access-control code are reviewed by those accountable for access security.
#     CC6.2: Changes that alter who is granted access are authorized by the owners of that access.
#   remediation: |
#     Ask a listed owner (or a second independent reviewer) to approve, or adjust
#     change_management.sensitive_paths in .soc2gate.yaml.
package soc2gate.policies.change.sensitive_paths

import data.soc2gate.lib.change
import rego.v1

regexes := change.setting(["sensitive_paths", "regexes"])

required := change.setting(["sensitive_paths", "min_approvals"])

owners := change.setting(["sensitive_paths", "owners"])

touched(r) := {f | some f in change.items(r, "changed_files"); some pattern in regexes; regex.match(pattern, f)}

satisfied(r) if count(change.independent_approvers(r)) >= required

satisfied(r) if {
	some user in change.independent_approvers(r)
	user in owners
}

owner_text := concat("", [" or one by an owner (", concat(", ", owners), ")"]) if count(owners) > 0

owner_text := "" if count(owners) == 0

deny contains change.fail(r, "changed_files", msg) if {
	some r in change.records
	count(regexes) > 0
	not change.has_list(r, "changed_files")
	msg := "the record does not list its changed files, so changes to sensitive paths cannot be ruled out"
}

deny contains change.fail(r, "changed_files", message(r)) if {
	some r in change.records
	change.has_list(r, "changed_files")
	count(touched(r)) > 0
	not change.emergency(r)
	not satisfied(r)
}

inconclusive contains change.pending(r, "changed_files", message(r)) if {
	some r in change.records
	change.has_list(r, "changed_files")
	count(touched(r)) > 0
	change.emergency(r)
	not satisfied(r)
}

message(r) := concat("", [
	"changes sensitive paths (", change.list_text(touched(r)), sprintf("): needs %d independent approvals", [required]),
	owner_text, sprintf(", has %d", [count(change.independent_approvers(r))]),
])
