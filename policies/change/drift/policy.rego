# METADATA
# title: Infrastructure is changed only through the change process (no drift)
# description: >-
#   Every object Terraform manages that was changed or deleted outside Terraform fails: a
#   `terraform plan` (or `terraform plan -refresh-only`, the nightly drift check) lists it under
#   `resource_drift`, and `terraform show -json` hands that to soc2gate. Such a change skipped
#   review, approval and CI, so it is a CC8.1 failure, reported per object with the attributes
#   that changed. Attributes that legitimately change outside Terraform (autoscaled counts) can
#   be listed in `change_management.drift.ignore` as TYPE.PATH globs; a deleted object always
#   fails. The drifted state itself is also judged by the resource policies (as
#   `ADDRESS (drifted)`), so a bucket made public by hand fails its CC6 policy too.
# custom:
#   id: CHG-009
#   severity: high
#   requirement: drift
#   resource_types: [terraform_drift]
#   controls:
#     CC8.1: Infrastructure changes are authorized, reviewed and tested before implementation; a change made outside the pipeline bypassed all of it.
#     CC7.1: Changes to configurations that could introduce vulnerabilities are detected by monitoring.
#   remediation: |
#     Find who changed the object (the cloud provider's audit log, e.g. CloudTrail), then either
#     bring the change into the configuration through a reviewed pull request, or revert it with
#     `terraform apply`. Prevent it: remove console/CLI write access to production for people,
#     and run `terraform plan -refresh-only` nightly (examples/github/drift.yml).
package soc2gate.policies.change.drift

import data.soc2gate.lib.change
import rego.v1

drifts := object.get(input.resources, "terraform_drift", [])

ignored(r, path) if {
	some pattern in change.setting(["drift", "ignore"])
	glob.match(pattern, [], concat(".", [r.attributes.resource_type, path]))
}

unexplained(r) := [p | some p in r.attributes.changed; not ignored(r, p)]

listed(paths) := concat(", ", array.slice(paths, 0, 10))

deny contains change.fail(r, "deleted", msg) if {
	some r in drifts
	r.attributes.deleted
	msg := concat("", [r.attributes.address, " was deleted outside Terraform"])
}

deny contains change.fail(r, "changed", msg) if {
	some r in drifts
	not r.attributes.deleted
	paths := unexplained(r)
	count(paths) > 0
	msg := concat("", [r.attributes.address, " was changed outside Terraform (", concat("/", r.attributes.actions), "): ", listed(paths)])
}

deny contains change.fail(r, "changed", msg) if {
	some r in drifts
	not r.attributes.deleted
	count(r.attributes.changed) == 0
	msg := concat("", [r.attributes.address, " was changed outside Terraform (", concat("/", r.attributes.actions), "); the plan shows no attribute difference (a sensitive value, or the provider normalized it): check the provider's audit log"])
}
