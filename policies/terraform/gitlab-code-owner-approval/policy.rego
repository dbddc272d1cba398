# METADATA
# title: GitLab protected branches require code-owner approval
# description: >-
#   When change_management.terraform.require_code_owner_review is true (default),
#   gitlab_branch_protection must set code_owner_approval_required = true so paths listed in
#   CODEOWNERS are approved by their owners (compare CHG-005).
# custom:
#   id: TF-162
#   severity: medium
#   requirement: code-owner-review
#   resource_types: [gitlab_branch_protection]
#   controls:
#     CC8.1: Changes to owned components are approved by those accountable for them.
#   remediation: |
#     resource "gitlab_branch_protection" "main" {
#       code_owner_approval_required = true
#     }
package soc2gate.policies.terraform.gitlab_code_owner_approval

import data.soc2gate.lib.change
import rego.v1

deny contains change.fail(r, "code_owner_approval_required", "does not require code-owner approval") if {
	some r in change.declared(["gitlab_branch_protection"])
	change.setting(["terraform", "require_code_owner_review"]) == true
	not change.tf_true(object.get(r.attributes, "code_owner_approval_required", false))
}
