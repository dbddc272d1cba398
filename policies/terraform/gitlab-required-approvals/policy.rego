# METADATA
# title: GitLab projects require enough merge-request approvals
# description: >-
#   A gitlab_project must require at least change_management.approvals.min approvals
#   (default 1): through approvals_before_merge, or through a gitlab_project_approval_rule
#   of the same configuration that refers to the project and sets approvals_required.
# custom:
#   id: TF-163
#   severity: high
#   requirement: approvals
#   resource_types: [gitlab_project]
#   controls:
#     CC8.1: The platform enforces approval of every change before it merges.
#   remediation: |
#     resource "gitlab_project_approval_rule" "review" {
#       project            = gitlab_project.this.id
#       name               = "review"
#       approvals_required = 1
#     }
package soc2gate.policies.terraform.gitlab_required_approvals

import data.soc2gate.lib.change
import rego.v1

required := change.setting(["approvals", "min"])

enough(value) if {
	is_number(value)
	value >= required
}

by_rule(project) if {
	some rule in change.declared(["gitlab_project_approval_rule"])
	contains(sprintf("%v", [object.get(rule.attributes, "project", "")]), sprintf("%s.%s.", [project.type, project.name]))
	enough(object.get(rule.attributes, "approvals_required", 0))
}

deny contains change.fail(r, "approvals_before_merge", msg) if {
	some r in change.declared(["gitlab_project"])
	required > 0
	not enough(object.get(r.attributes, "approvals_before_merge", 0))
	not by_rule(r)
	msg := sprintf("requires fewer than %d approval(s): set approvals_before_merge or add a gitlab_project_approval_rule with approvals_required", [required])
}
