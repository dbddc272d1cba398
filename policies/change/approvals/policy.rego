# METADATA
# title: Changes are approved by someone other than their authors
# description: >-
#   Every change needs at least `approvals.min` (default 1) approvals by users who are not
#   its author, did not author or commit any of its commits (`approvals.exclude_commit_authors`),
#   are not bots or apps (logins ending in [bot], accounts of type Bot, GitLab project/group
#   bot users, `bot_accounts`), and approved the head commit (`approvals.dismiss_stale`; a
#   record without a head commit has no such approval). For a merged change only approvals
#   submitted before the merge count. Logins are compared in one canonical form (NFKC,
#   zero-width characters removed, trimmed, case folded).
#   A later "changes requested" or "dismissed" review by the same user withdraws an approval.
#   Missing review, author or commit-author data is a failure, never a pass. Emergency
#   changes may merge without prior approval: they are reported inconclusive here and must
#   be approved afterwards (CHG-008).
# custom:
#   id: CHG-001
#   severity: high
#   requirement: approvals
#   resource_types: [change_record]
#   controls:
#     CC8.1: Changes are authorized and approved before implementation by someone independent of the change.
#     CC6.3: Self-approval is prevented, so no one person both makes and approves a change (segregation of duties).
#   remediation: |
#     Ask a reviewer who did not write any of the commits to approve the head commit, then
#     re-run the gate. In GitHub Actions pass the token so reviews and commits can be read:
#       soc2gate scan --change-record "$GITHUB_EVENT_PATH" --github-token "$GITHUB_TOKEN"
package soc2gate.policies.change.approvals

import data.soc2gate.lib.change
import rego.v1

required := change.setting(["approvals", "min"])

deny contains change.fail(r, "approvals", msg) if {
	some r in change.records
	required > 0
	not change.emergency(r)
	not change.has_list(r, "approvals")
	msg := "the record lists no reviews, so approval cannot be verified (complete it from the API with --github-token/--gitlab-token, or list `approvals`)"
}

deny contains change.fail(r, "author", "the author is unknown, so self-approval cannot be ruled out") if {
	some r in change.records
	required > 0
	not change.emergency(r)
	not change.author(r)
}

deny contains change.fail(r, "commit_authors", msg) if {
	some r in change.records
	required > 0
	not change.emergency(r)
	change.setting(["approvals", "exclude_commit_authors"]) == true
	not change.has_list(r, "commit_authors")
	msg := "the commit authors are unknown, so approvals by a commit author cannot be ruled out (complete the record from the API, list `commit_authors`, or set change_management.approvals.exclude_commit_authors: false)"
}

deny contains change.fail(r, "approvals", msg) if {
	some r in change.records
	not change.emergency(r)
	change.has_list(r, "approvals")
	given := count(change.independent_approvers(r))
	given < required
	msg := concat("", [sprintf("%d independent approval(s) required, %d given", [required, given]), change.not_counted_text(r)])
}

inconclusive contains change.pending(r, "approvals", msg) if {
	some r in change.records
	change.emergency(r)
	given := count(change.independent_approvers(r))
	given < required
	msg := sprintf("emergency change without the %d required prior approval(s): an independent review is due after the fact (CHG-008)", [required])
}
