# METADATA
# title: GitHub branch protection requires status checks
# description: >-
#   Branch protections must require status checks to pass before merging
#   (required_status_checks with at least one context; required_check blocks for rulesets).
#   When change_management.checks.required lists check names, each must be required.
# custom:
#   id: TF-153
#   severity: high
#   requirement: ci-checks
#   resource_types: [github_branch_protection, github_branch_protection_v3, github_repository_ruleset]
#   controls:
#     CC8.1: The platform blocks merging a change until its tests pass.
#     CC7.1: Required automated checks detect changes that introduce vulnerabilities before they merge.
#   remediation: |
#     required_status_checks {
#       strict   = true
#       contexts = ["build", "test"]
#     }
package soc2gate.policies.terraform.github_required_status_checks

import data.soc2gate.lib.change
import rego.v1

block(r) := change.nested(change.ruleset_rules(r), "required_status_checks") if r.type == "github_repository_ruleset"

block(r) := change.nested(r.attributes, "required_status_checks") if r.type != "github_repository_ruleset"

path(r) := "rules.required_status_checks" if r.type == "github_repository_ruleset"

path(r) := "required_status_checks" if r.type != "github_repository_ruleset"

# Check names the protection requires (v3 `checks` entries are "context:app_id").
names(r) := {c.context | some c in object.get(block(r), "required_check", [])} if r.type == "github_repository_ruleset"

names(r) := {context_name(entry) |
	some field in ["contexts", "checks"]
	some entry in object.get(block(r), field, [])
} if r.type != "github_repository_ruleset"

context_name(entry) := name if {
	parts := split(entry, ":")
	count(parts) > 1
	name := concat(":", array.slice(parts, 0, count(parts) - 1))
	regex.match(`^[0-9]+$`, parts[count(parts) - 1])
} else := entry

deny contains change.fail(r, path(r), "does not require any status check to pass before merging") if {
	some r in change.github_protections
	count(names(r)) == 0
}

deny contains change.fail(r, path(r), msg) if {
	some r in change.github_protections
	count(names(r)) > 0
	missing := [n | some n in change.setting(["checks", "required"]); not n in names(r)]
	count(missing) > 0
	msg := sprintf("does not require the checks change_management.checks.required lists: %s", [change.list_text(missing)])
}
