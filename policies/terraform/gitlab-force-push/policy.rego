# METADATA
# title: GitLab protected branches block force pushes
# description: >-
#   gitlab_branch_protection must not set allow_force_push = true: history on a protected
#   branch cannot be rewritten outside the merge-request process.
# custom:
#   id: TF-160
#   severity: high
#   requirement: history-protection
#   resource_types: [gitlab_branch_protection]
#   controls:
#     CC8.1: The record of implemented changes cannot be rewritten outside the change process.
#     CC6.1: Write access to protected branches is limited to the reviewed merge path.
#   remediation: |
#     resource "gitlab_branch_protection" "main" {
#       project          = gitlab_project.this.id
#       branch           = "main"
#       allow_force_push = false
#     }
package soc2gate.policies.terraform.gitlab_force_push

import data.soc2gate.lib.change
import rego.v1

deny contains change.fail(r, "allow_force_push", "allows force pushes to the protected branch") if {
	some r in change.declared(["gitlab_branch_protection"])
	change.tf_true(object.get(r.attributes, "allow_force_push", false))
}
