# METADATA
# title: GitLab merge requests merge only after their pipeline succeeded
# description: >-
#   A gitlab_project must set only_allow_merge_if_pipeline_succeeds = true and must not
#   allow merging on skipped pipelines (allow_merge_on_skipped_pipeline), so every change
#   is tested before it merges (compare CHG-002).
# custom:
#   id: TF-165
#   severity: high
#   requirement: ci-checks
#   resource_types: [gitlab_project]
#   controls:
#     CC8.1: The platform blocks merging a change until its tests pass.
#     CC7.1: Pipelines run on every change detect changes that introduce vulnerabilities before they merge.
#   remediation: |
#     resource "gitlab_project" "this" {
#       only_allow_merge_if_pipeline_succeeds = true
#       allow_merge_on_skipped_pipeline       = false
#     }
package soc2gate.policies.terraform.gitlab_pipeline_must_succeed

import data.soc2gate.lib.change
import rego.v1

deny contains change.fail(r, "only_allow_merge_if_pipeline_succeeds", "merge requests can merge without a successful pipeline") if {
	some r in change.declared(["gitlab_project"])
	not change.tf_true(object.get(r.attributes, "only_allow_merge_if_pipeline_succeeds", false))
}

deny contains change.fail(r, "allow_merge_on_skipped_pipeline", "merge requests can merge when the pipeline was skipped") if {
	some r in change.declared(["gitlab_project"])
	change.tf_true(object.get(r.attributes, "allow_merge_on_skipped_pipeline", false))
}
