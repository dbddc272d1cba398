# METADATA
# title: EC2 user data does not contain credentials
# description: >-
#   user_data of aws_instance, aws_launch_configuration and aws_launch_template must not contain
#   an AWS access key id, an AWS secret key assignment (aws_secret_access_key=…) or a PEM
#   private key. user_data_base64 and base64-encoded launch-template user_data are decoded
#   first.
# custom:
#   id: TF-063
#   severity: critical
#   resource_types: [aws_instance, aws_launch_configuration, aws_launch_template]
#   controls:
#     CC6.1: Credentials in code are readable by everyone with repository or state access.
#     CC6.7: Secrets are not transmitted and stored in clear text alongside configuration.
#   checkov: [CKV_AWS_46]
#   kics: [d7b9d850-3e06-4a75-852f-c46c2e92240b, 443488f5-c734-460b-a36d-5b3f330174dc]
#   remediation: |
#     user_data = templatefile("init.sh", { secret_arn = aws_secretsmanager_secret.app.arn })
package soc2gate.policies.terraform.aws_user_data_no_secrets

import data.soc2gate.lib.terraform as tf
import rego.v1

texts(r) := [[attr, t] |
	some attr in ["user_data", "user_data_base64"]
	v := object.get(r.attributes, attr, null)
	is_string(v)
	some t in decoded(v)
]

decoded(v) := [v, base64.decode(v)] if {
	regex.match(`^[A-Za-z0-9+/]+={0,2}$`, v)
	count(v) % 4 == 0
} else := [v]

problem(t) := "an AWS access key id" if {
	regex.match(`(AKIA|ASIA)[A-Z0-9]{16}`, t)
} else := "an AWS secret access key" if {
	regex.match(`aws_secret_access_key\s*[=:]\s*["']?[A-Za-z0-9/+]{40}`, lower(t))
} else := "a private key" if {
	contains(t, "PRIVATE KEY-----")
}

deny contains tf.fail(r, attr, sprintf("%s contains %s", [attr, p])) if {
	some r in tf.resources_of(["aws_instance", "aws_launch_configuration", "aws_launch_template"])
	some [attr, t] in texts(r)
	p := problem(t)
}
