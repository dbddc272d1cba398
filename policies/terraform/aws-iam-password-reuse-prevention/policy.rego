# METADATA
# title: The account password policy prevents password reuse
# description: >-
#   aws_iam_account_password_policy must set password_reuse_prevention to 24 (the maximum, CIS
#   AWS Foundations 1.9); unset allows immediate reuse.
# custom:
#   id: TF-044
#   severity: low
#   resource_types: [aws_iam_account_password_policy]
#   controls:
#     CC6.1: Reused passwords extend the life of compromised credentials.
#     CC6.2: Credential lifecycle rules apply to every console user.
#   checkov: [CKV_AWS_13]
#   kics: [89806cdc-9c2e-4bd1-a0dc-53f339bcfb2a]
#   remediation: |
#     resource "aws_iam_account_password_policy" "strict" {
#       password_reuse_prevention = 24
#     }
package soc2gate.policies.terraform.aws_iam_password_reuse_prevention

import data.soc2gate.lib.terraform as tf
import rego.v1

# A literal number (unresolved expressions are not numbers).
num(x) := to_number(x) if regex.match(`^-?[0-9]+(\.[0-9]+)?$`, sprintf("%v", [x]))

# The value as text: strings as they are, anything else as %v prints it.  Messages are built
# with concat, not sprintf, so the literal default below prints without quotes in rego-cpp too.
shown(v) := v if is_string(v)
else := sprintf("%v", [v])

deny contains tf.fail(r, "password_reuse_prevention", concat("", ["password reuse prevention is ", shown(object.get(r.attributes, "password_reuse_prevention", "unset")), " (needs 24)"])) if {
	some r in tf.resources("aws_iam_account_password_policy")
	not num(object.get(r.attributes, "password_reuse_prevention", 0)) >= 24
}
