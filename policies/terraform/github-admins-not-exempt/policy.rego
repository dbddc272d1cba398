# METADATA
# title: GitHub branch protection applies to administrators too
# description: >-
#   Nobody bypasses the change process: branch protections enforce their rules for
#   administrators (enforce_admins = true) and allow no pull request bypassers
#   (pull_request_bypassers, bypass_pull_request_allowances); rulesets are enforced
#   (enforcement = "active") and list no bypass_actors.
# custom:
#   id: TF-154
#   severity: high
#   requirement: no-bypass
#   resource_types: [github_branch_protection, github_branch_protection_v3, github_repository_ruleset]
#   controls:
#     CC8.1: Every change, including an administrator's, goes through the approval process.
#     CC6.3: Privileged users cannot approve and release their own changes by bypassing protection.
#   remediation: |
#     resource "github_branch_protection" "main" {
#       enforce_admins = true
#       # no pull_request_bypassers / force_push_bypassers
#     }
package soc2gate.policies.terraform.github_admins_not_exempt

import data.soc2gate.lib.change
import rego.v1

deny contains change.fail(r, "enforce_admins", "does not apply to administrators (enforce_admins is not true)") if {
	some r in change.github_protections
	r.type != "github_repository_ruleset"
	not change.tf_true(object.get(r.attributes, "enforce_admins", false))
}

deny contains change.fail(r, path, concat("", ["lets ", change.list_text(actors), " bypass the pull request requirements"])) if {
	some r in change.github_protections
	r.type == "github_branch_protection"
	actors := object.get(change.review_block(r), "pull_request_bypassers", [])
	count(actors) > 0
	path := "required_pull_request_reviews.pull_request_bypassers"
}

deny contains change.fail(r, path, "lets users, teams or apps bypass the pull request requirements") if {
	some r in change.github_protections
	r.type == "github_branch_protection_v3"
	change.nested(change.review_block(r), "bypass_pull_request_allowances") != {}
	path := "required_pull_request_reviews.bypass_pull_request_allowances"
}

deny contains change.fail(r, "enforcement", sprintf("ruleset is not enforced (enforcement is %v, not \"active\")", [mode])) if {
	some r in change.github_protections
	r.type == "github_repository_ruleset"
	mode := object.get(r.attributes, "enforcement", null)
	mode != "active"
}

deny contains change.fail(r, "bypass_actors", "ruleset lets bypass_actors skip its rules") if {
	some r in change.github_protections
	r.type == "github_repository_ruleset"
	count(object.get(r.attributes, "bypass_actors", [])) > 0
}
