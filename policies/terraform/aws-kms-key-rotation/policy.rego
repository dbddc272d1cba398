# METADATA
# title: Customer managed KMS keys rotate automatically
# description: >-
#   Symmetric aws_kms_key resources (customer_master_key_spec unset or SYMMETRIC_DEFAULT) must
#   set enable_key_rotation = true (default false). Asymmetric and HMAC keys cannot rotate and
#   are not judged.
# custom:
#   id: TF-038
#   severity: medium
#   resource_types: [aws_kms_key]
#   controls:
#     CC6.1: Regular key rotation limits the data exposed by a compromised key.
#     PI1.5: Keys protecting stored data are maintained under a defined lifecycle.
#   checkov: [CKV_AWS_7]
#   kics: [22fbfeac-7b5a-421a-8a27-7a2178bb910b]
#   remediation: |
#     resource "aws_kms_key" "data" {
#       description         = "data"
#       enable_key_rotation = true
#     }
package soc2gate.policies.terraform.aws_kms_key_rotation

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "enable_key_rotation", "KMS key does not rotate: set enable_key_rotation = true") if {
	some r in tf.resources("aws_kms_key")
	object.get(r.attributes, "customer_master_key_spec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
	not tf.is_true(tf.attr(r, "enable_key_rotation"))
}
