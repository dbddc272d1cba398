# METADATA
# title: Lambda permissions do not grant invoke to everyone
# description: >-
#   aws_lambda_permission must not use principal "*", which lets any AWS account (or anonymous
#   caller, for function URLs) invoke the function. Name the service or account principal.
# custom:
#   id: TF-036
#   severity: high
#   resource_types: [aws_lambda_permission]
#   controls:
#     CC6.1: Only authorized principals may invoke the function.
#     CC6.6: Functions are not callable from outside the trust boundary.
#   inconclusive_if_unknown: [principal]
#   checkov: [CKV_AWS_301]
#   kics: [e08ed7eb-f3ef-494d-9d22-2e3db756a347]
#   remediation: |
#     resource "aws_lambda_permission" "s3" {
#       statement_id  = "AllowS3"
#       action        = "lambda:InvokeFunction"
#       function_name = aws_lambda_function.thumbnail.function_name
#       principal     = "s3.amazonaws.com"
#       source_arn    = aws_s3_bucket.uploads.arn
#     }
package soc2gate.policies.terraform.aws_lambda_permission_not_public

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "principal", "permission lets any principal (*) invoke the function") if {
	some r in tf.resources("aws_lambda_permission")
	tf.attr(r, "principal") == "*"
}
