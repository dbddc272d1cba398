# METADATA
# title: GitHub branch protection requires code-owner review
# description: >-
#   When change_management.terraform.require_code_owner_review is true (default), branch
#   protections must require a review from the code owners (require_code_owner_reviews;
#   require_code_owner_review for rulesets), so sensitive paths listed in CODEOWNERS are
#   approved by their owners (compare CHG-005).
# custom:
#   id: TF-152
#   severity: medium
#   requirement: code-owner-review
#   resource_types: [github_branch_protection, github_branch_protection_v3, github_repository_ruleset]
#   controls:
#     CC8.1: Changes to owned components are approved by those accountable for them.
#   remediation: |
#     required_pull_request_reviews {
#       require_code_owner_reviews      = true
#       required_approving_review_count = 1
#     }
package soc2gate.policies.terraform.github_code_owner_review

import data.soc2gate.lib.change
import rego.v1

setting_name(r) := "require_code_owner_review" if r.type == "github_repository_ruleset"

setting_name(r) := "require_code_owner_reviews" if r.type != "github_repository_ruleset"

deny contains change.fail(r, path, msg) if {
	some r in change.github_protections
	change.setting(["terraform", "require_code_owner_review"]) == true
	not change.tf_true(object.get(change.review_block(r), setting_name(r), false))
	path := sprintf("%s.%s", [change.review_path(r), setting_name(r)])
	msg := sprintf("does not require code-owner review (%s is not true)", [setting_name(r)])
}
