# METADATA
# title: GitHub branch protection dismisses stale approvals
# description: >-
#   When change_management.approvals.dismiss_stale is true (default), branch protections
#   must dismiss approving reviews when new commits are pushed (dismiss_stale_reviews;
#   dismiss_stale_reviews_on_push for rulesets), so an approval always covers the code that
#   merges. A protection without a review requirement fails too.
# custom:
#   id: TF-151
#   severity: medium
#   requirement: stale-approvals
#   resource_types: [github_branch_protection, github_branch_protection_v3, github_repository_ruleset]
#   controls:
#     CC8.1: Approval applies to the final version of a change, not an earlier one.
#   remediation: |
#     required_pull_request_reviews {
#       dismiss_stale_reviews           = true
#       required_approving_review_count = 1
#     }
package soc2gate.policies.terraform.github_dismiss_stale_reviews

import data.soc2gate.lib.change
import rego.v1

setting_name(r) := "dismiss_stale_reviews_on_push" if r.type == "github_repository_ruleset"

setting_name(r) := "dismiss_stale_reviews" if r.type != "github_repository_ruleset"

deny contains change.fail(r, path, msg) if {
	some r in change.github_protections
	change.setting(["approvals", "dismiss_stale"]) == true
	not change.tf_true(object.get(change.review_block(r), setting_name(r), false))
	path := sprintf("%s.%s", [change.review_path(r), setting_name(r)])
	msg := sprintf("does not dismiss stale approvals when commits are pushed (%s is not true)", [setting_name(r)])
}
