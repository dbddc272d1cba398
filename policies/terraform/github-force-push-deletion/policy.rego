# METADATA
# title: GitHub protected branches block force pushes and deletion
# description: >-
#   History on a protected branch cannot be rewritten or deleted: branch protections keep
#   allows_force_pushes and allows_deletions false with no force_push_bypassers; rulesets
#   carry the non_fast_forward and deletion rules. (github_branch_protection_v3 does not
#   expose these settings; GitHub blocks both by default there.)
# custom:
#   id: TF-155
#   severity: high
#   requirement: history-protection
#   resource_types: [github_branch_protection, github_repository_ruleset]
#   controls:
#     CC8.1: The record of implemented changes cannot be rewritten or removed outside the change process.
#     CC6.1: Write access to protected branches is limited to the reviewed merge path.
#   remediation: |
#     resource "github_branch_protection" "main" {
#       allows_force_pushes = false
#       allows_deletions    = false
#     }
package soc2gate.policies.terraform.github_force_push_deletion

import data.soc2gate.lib.change
import rego.v1

deny contains change.fail(r, name, sprintf("%s is true", [name])) if {
	some r in change.github_protections
	r.type == "github_branch_protection"
	some name in ["allows_force_pushes", "allows_deletions"]
	change.tf_true(object.get(r.attributes, name, false))
}

deny contains change.fail(r, "force_push_bypassers", "lets force_push_bypassers rewrite history") if {
	some r in change.github_protections
	r.type == "github_branch_protection"
	count(object.get(r.attributes, "force_push_bypassers", [])) > 0
}

deny contains change.fail(r, sprintf("rules.%s", [rule]), sprintf("ruleset does not block %s (rules.%s is not true)", [what, rule])) if {
	some r in change.github_protections
	r.type == "github_repository_ruleset"
	some [rule, what] in [["non_fast_forward", "force pushes"], ["deletion", "branch deletion"]]
	not change.tf_true(object.get(change.ruleset_rules(r), rule, false))
}
