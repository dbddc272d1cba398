# METADATA
# title: ECR repositories scan images for vulnerabilities
# description: >-
#   Every aws_ecr_repository must have its pushed images scanned: image_scanning_configuration
#   { scan_on_push = true } (the default is false), or a rule of an
#   aws_ecr_registry_scanning_configuration of the configuration whose repository_filter matches the
#   repository name with scan_frequency SCAN_ON_PUSH or CONTINUOUS_SCAN (registry-level scanning
#   takes precedence over the repository setting). A registry configuration or repository name
#   soc2gate cannot resolve leaves an unscanned repository inconclusive.
# custom:
#   id: TF-179
#   severity: medium
#   resource_types: [aws_ecr_repository]
#   controls:
#     CC7.1: Detection procedures identify newly discovered vulnerabilities in deployed components.
#     CC6.8: Controls detect the introduction of malicious or vulnerable software.
#   related_checkov:
#     CKV_AWS_163: checkov ignores registry-level scanning rules (aws_ecr_registry_scanning_configuration)
#   kics: [9630336b-3fed-4096-8173-b9afdfe346a7]
#   remediation: |
#     resource "aws_ecr_repository" "app" {
#       name = "app"
#       image_scanning_configuration {
#         scan_on_push = true
#       }
#     }
package soc2gate.policies.terraform.aws_ecr_scan_on_push

import data.soc2gate.lib.terraform as tf
import rego.v1

registries := tf.resources("aws_ecr_registry_scanning_configuration")

registry_unresolved if {
	some c in registries
	count(object.get(c, "unknown", {})) > 0
}

scanning_filters contains f.filter if {
	some c in registries
	some rule in tf.blocks(c.attributes, "rule")
	upper(sprintf("%v", [object.get(rule, "scan_frequency", "")])) in {"SCAN_ON_PUSH", "CONTINUOUS_SCAN"}
	some f in tf.blocks(rule, "repository_filter")
	is_string(f.filter)
	regex.match(`^[A-Za-z0-9._/*-]+$`, f.filter) # ECR's filter alphabet; an unresolved expression is not a filter
}

# ECR wildcard filters: `*` matches any characters, everything else literally.
matches(filter, name) if regex.match(concat("", ["^", replace(replace(filter, ".", "\\."), "*", ".*"), "$"]), name)

registry_scans(r) if {
	not tf.unknown(r, "name")
	some filter in scanning_filters
	matches(filter, tf.attr(r, "name"))
}

unscanned(r) if {
	not tf.is_true(object.get(tf.block(r.attributes, "image_scanning_configuration"), "scan_on_push", null))
	not registry_scans(r)
}

undecided(r) if registry_unresolved

undecided(r) if {
	tf.unknown(r, "name")
	count(scanning_filters) > 0
}

deny contains tf.fail(r, "image_scanning_configuration.scan_on_push", "images are not scanned on push: set image_scanning_configuration { scan_on_push = true }") if {
	some r in tf.resources("aws_ecr_repository")
	unscanned(r)
	not undecided(r)
}

inconclusive contains {"resource": r.id, "path": "image_scanning_configuration.scan_on_push", "message": "images are not scanned on push unless a registry scanning rule soc2gate cannot resolve covers this repository", "expression": "aws_ecr_registry_scanning_configuration"} if {
	some r in tf.resources("aws_ecr_repository")
	unscanned(r)
	undecided(r)
}
