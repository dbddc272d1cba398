# METADATA
# title: The account password policy requires long, complex passwords
# description: >-
#   aws_iam_account_password_policy must set minimum_password_length >= 14 and require
#   lowercase, uppercase, numbers and symbols (CIS AWS Foundations 1.8). Unset values fall back
#   to the AWS defaults (length 8, no character classes) and fail.
# custom:
#   id: TF-043
#   severity: medium
#   resource_types: [aws_iam_account_password_policy]
#   controls:
#     CC6.1: Strong passwords resist guessing of console credentials.
#     CC6.2: Credential requirements are enforced for every user the account issues.
#   checkov: [CKV_AWS_10, CKV_AWS_11, CKV_AWS_12, CKV_AWS_14, CKV_AWS_15]
#   related_checkov:
#     CKV_AWS_9: checkov requires passwords to expire within 90 days; soc2gate follows NIST SP 800-63B and requires no forced expiry
#   kics: [1bc1c685-e593-450e-88fb-19db4c82aa1d]
#   remediation: |
#     resource "aws_iam_account_password_policy" "strict" {
#       minimum_password_length        = 14
#       require_lowercase_characters   = true
#       require_uppercase_characters   = true
#       require_numbers                = true
#       require_symbols                = true
#       password_reuse_prevention      = 24
#       max_password_age               = 90
#     }
package soc2gate.policies.terraform.aws_iam_password_policy_strength

import data.soc2gate.lib.terraform as tf
import rego.v1

# A literal number (unresolved expressions are not numbers).
num(x) := to_number(x) if regex.match(`^-?[0-9]+(\.[0-9]+)?$`, sprintf("%v", [x]))

deny contains tf.fail(r, "minimum_password_length", sprintf("minimum password length is %v (needs 14 or more)", [object.get(r.attributes, "minimum_password_length", "unset: 8")])) if {
	some r in tf.resources("aws_iam_account_password_policy")
	not num(object.get(r.attributes, "minimum_password_length", 8)) >= 14
}

deny contains tf.fail(r, flag, sprintf("password policy does not set %s = true", [flag])) if {
	some r in tf.resources("aws_iam_account_password_policy")
	some flag in ["require_lowercase_characters", "require_uppercase_characters", "require_numbers", "require_symbols"]
	not tf.is_true(object.get(r.attributes, flag, null))
}
