# METADATA
# title: Lambda environment variables do not hold literal secrets
# description: >-
#   aws_lambda_function environment.variables must not contain an AWS access key id (AKIA/ASIA…)
#   or a literal value under a name that looks like a secret (PASSWORD, SECRET, TOKEN, API_KEY,
#   PRIVATE_KEY, ACCESS_KEY). Values taken from variables, Secrets Manager or SSM references are
#   not literals and pass.
# custom:
#   id: TF-062
#   severity: high
#   resource_types: [aws_lambda_function]
#   controls:
#     CC6.1: Credentials in code are readable by everyone with repository or state access.
#     CC6.7: Secrets are not transmitted and stored in clear text alongside configuration.
#   checkov: [CKV_AWS_45]
#   kics: [1402afd8-a95c-4e84-8b0b-6fb43758e6ce]
#   remediation: |
#     environment {
#       variables = {
#         DB_SECRET_ARN = aws_secretsmanager_secret.db.arn
#       }
#     }
package soc2gate.policies.terraform.aws_lambda_env_no_secrets

import data.soc2gate.lib.terraform as tf
import rego.v1

secret_name(k) if regex.match(`(passw(or)?d|secret|token|api_?key|private_?key|access_?key|credential)`, lower(k))

not_secret_name(k) if regex.match(`(_arn|_id|_name|_path|_file|_url|_region)$`, lower(k))

# The variables map when it is known; an unresolved map (`variables = var.env`) is inconclusive below.
variables(r) := vars if {
	vars := object.get(tf.block(r.attributes, "environment"), "variables", {})
	is_object(vars)
}

literal(v) if {
	is_string(v)
	count(v) >= 4
	not contains(v, "${")
}

# Each value is judged on its own path, so an unknown sibling variable does not make a literal secret inconclusive.
deny contains tf.fail(r, sprintf("environment.variables.%s", [k]), sprintf("environment variable %s holds an AWS access key id", [k])) if {
	some r in tf.resources("aws_lambda_function")
	some k, v in variables(r)
	regex.match(`(A3T[A-Z0-9]|AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA)[A-Z0-9]{16}`, sprintf("%v", [v]))
}

deny contains tf.fail(r, sprintf("environment.variables.%s", [k]), sprintf("environment variable %s holds a literal secret", [k])) if {
	some r in tf.resources("aws_lambda_function")
	some k, v in variables(r)
	secret_name(k)
	not not_secret_name(k)
	literal(v)
}

inconclusive contains {"resource": r.id, "path": "environment.variables", "message": sprintf("%s: environment variables are unresolved", [r.address]), "expression": vars} if {
	some r in tf.resources("aws_lambda_function")
	vars := object.get(tf.block(r.attributes, "environment"), "variables", {})
	is_string(vars)
}
