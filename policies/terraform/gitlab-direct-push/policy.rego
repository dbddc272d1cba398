# METADATA
# title: GitLab protected branches accept changes only through merge requests
# description: >-
#   gitlab_branch_protection must set push_access_level = "no one" and grant no
#   allowed_to_push exceptions, so every change reaches the branch through a reviewed merge
#   request. Unset, the provider default ("maintainer") lets maintainers push directly.
# custom:
#   id: TF-161
#   severity: high
#   requirement: no-bypass
#   resource_types: [gitlab_branch_protection]
#   controls:
#     CC8.1: No change reaches the protected branch without going through approval.
#     CC6.3: Maintainers cannot push their own unreviewed changes.
#   remediation: |
#     resource "gitlab_branch_protection" "main" {
#       push_access_level  = "no one"
#       merge_access_level = "maintainer"
#     }
package soc2gate.policies.terraform.gitlab_direct_push

import data.soc2gate.lib.change
import rego.v1

# The value as text: strings as they are, anything else as %v prints it.  Messages are built
# with concat, not sprintf, so the literal default below prints without quotes in rego-cpp too.
shown(v) := v if is_string(v)
else := sprintf("%v", [v])

deny contains change.fail(r, "push_access_level", concat("", ["lets `", shown(level), "` push directly (push_access_level must be \"no one\")"])) if {
	some r in change.declared(["gitlab_branch_protection"])
	level := object.get(r.attributes, "push_access_level", "maintainer")
	level != "no one"
}

deny contains change.fail(r, "allowed_to_push", "grants allowed_to_push exceptions to the merge-request process") if {
	some r in change.declared(["gitlab_branch_protection"])
	count(object.get(r.attributes, "allowed_to_push", [])) > 0
}
