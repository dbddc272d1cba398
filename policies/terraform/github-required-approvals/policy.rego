# METADATA
# title: GitHub branch protection requires enough approving reviews
# description: >-
#   Branch protections (github_branch_protection, github_branch_protection_v3) and branch
#   rulesets (github_repository_ruleset) must require pull request reviews with at least
#   change_management.approvals.min approving reviews (default 1), the same number the
#   change gate (CHG-001) enforces per change. Unset counts take the provider default
#   (1 for branch protections, 0 for rulesets).
# custom:
#   id: TF-150
#   severity: high
#   requirement: approvals
#   resource_types: [github_branch_protection, github_branch_protection_v3, github_repository_ruleset]
#   controls:
#     CC8.1: The platform enforces approval of every change before it merges.
#   remediation: |
#     resource "github_branch_protection" "main" {
#       repository_id = github_repository.this.node_id
#       pattern       = "main"
#       required_pull_request_reviews {
#         required_approving_review_count = 1
#       }
#     }
package soc2gate.policies.terraform.github_required_approvals

import data.soc2gate.lib.change
import rego.v1

required := change.setting(["approvals", "min"])

provider_default(r) := 0 if r.type == "github_repository_ruleset"

provider_default(r) := 1 if r.type != "github_repository_ruleset"

deny contains change.fail(r, change.review_path(r), "does not require pull request reviews") if {
	some r in change.github_protections
	required > 0
	not change.has_reviews(r)
}

deny contains change.fail(r, path, msg) if {
	some r in change.github_protections
	change.has_reviews(r)
	given := object.get(change.review_block(r), "required_approving_review_count", provider_default(r))
	not enough(given)
	path := sprintf("%s.required_approving_review_count", [change.review_path(r)])
	msg := sprintf("requires %v approving review(s); change_management.approvals.min is %d", [given, required])
}

enough(given) if {
	is_number(given)
	given >= required
}
