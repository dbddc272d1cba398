# METADATA
# title: GitLab approval settings prevent stale and self-approval
# description: >-
#   gitlab_project_level_mr_approvals must not allow authors to approve their own merge
#   requests (merge_requests_author_approval), must prevent approval by users who added
#   commits (merge_requests_disable_committers_approval = true, when
#   change_management.approvals.exclude_commit_authors) and must reset approvals on push
#   (reset_approvals_on_push, when change_management.approvals.dismiss_stale).
# custom:
#   id: TF-164
#   severity: high
#   requirement: approvals
#   resource_types: [gitlab_project_level_mr_approvals]
#   controls:
#     CC8.1: Approvals are independent of the change's authors and cover its final version.
#     CC6.3: Self-approval is prevented by the platform (segregation of duties).
#   remediation: |
#     resource "gitlab_project_level_mr_approvals" "this" {
#       project                                    = gitlab_project.this.id
#       reset_approvals_on_push                    = true
#       merge_requests_author_approval             = false
#       merge_requests_disable_committers_approval = true
#     }
package soc2gate.policies.terraform.gitlab_approval_settings

import data.soc2gate.lib.change
import rego.v1

deny contains change.fail(r, "merge_requests_author_approval", "lets authors approve their own merge requests") if {
	some r in change.declared(["gitlab_project_level_mr_approvals"])
	change.tf_true(object.get(r.attributes, "merge_requests_author_approval", false))
}

deny contains change.fail(r, "merge_requests_disable_committers_approval", "lets users who added commits approve the merge request") if {
	some r in change.declared(["gitlab_project_level_mr_approvals"])
	change.setting(["approvals", "exclude_commit_authors"]) == true
	not change.tf_true(object.get(r.attributes, "merge_requests_disable_committers_approval", false))
}

deny contains change.fail(r, "reset_approvals_on_push", "keeps approvals when new commits are pushed (stale approvals)") if {
	some r in change.declared(["gitlab_project_level_mr_approvals"])
	change.setting(["approvals", "dismiss_stale"]) == true
	change.tf_false(object.get(r.attributes, "reset_approvals_on_push", true))
}
