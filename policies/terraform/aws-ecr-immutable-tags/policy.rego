# METADATA
# title: ECR repositories have immutable image tags
# description: >-
#   aws_ecr_repository must set image_tag_mutability = "IMMUTABLE" so that a pushed tag cannot be
#   overwritten with a different image after review and deployment. The default is MUTABLE;
#   MUTABLE_WITH_EXCLUSION and IMMUTABLE_WITH_EXCLUSION leave some tags mutable and fail.
# custom:
#   id: TF-180
#   severity: medium
#   resource_types: [aws_ecr_repository]
#   controls:
#     CC8.1: A deployed image cannot be replaced under the same tag outside change management.
#     CC6.8: Controls prevent the introduction of unauthorized software.
#   inconclusive_if_unknown: [image_tag_mutability]
#   checkov: [CKV_AWS_51]
#   kics: [d1846b12-20c5-4d45-8798-fc35b79268eb]
#   remediation: |
#     resource "aws_ecr_repository" "app" {
#       name                 = "app"
#       image_tag_mutability = "IMMUTABLE"
#     }
package soc2gate.policies.terraform.aws_ecr_immutable_tags

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "image_tag_mutability", sprintf("image tags are mutable (%v): set image_tag_mutability = \"IMMUTABLE\"", [mode])) if {
	some r in tf.resources("aws_ecr_repository")
	mode := tf.value(r, r.attributes, "image_tag_mutability", "image_tag_mutability")
	upper(sprintf("%v", [mode])) != "IMMUTABLE"
}
