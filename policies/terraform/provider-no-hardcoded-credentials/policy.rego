# METADATA
# title: Provider blocks hold no hard-coded credentials
# description: >-
#   Credentials written into a provider block (AWS access_key/secret_key/token, Azure
#   client_secret, Google credentials JSON, GitHub/GitLab tokens, Kubernetes client keys
#   and passwords) end up in version control and in every clone of the repository.
#   Values coming from variables, data sources or the environment are not flagged;
#   an unresolved variable is fine because the secret then lives outside the code.
# custom:
#   id: TF-064
#   severity: critical
#   resource_types: [provider]
#   controls:
#     CC6.1: Secrets in source code defeat logical access controls over the accounts they unlock.
#     CC6.7: Credentials are transmitted to everyone who can read the repository.
#   checkov: [CKV_AWS_41]
#   remediation: |
#     provider "aws" {
#       region = "eu-west-1"
#       # credentials come from the environment, a shared profile or an assumed role
#     }
package soc2gate.policies.terraform.provider_no_hardcoded_credentials

import data.soc2gate.lib.terraform as tf
import rego.v1

secret_arguments := {
	"aws": {"access_key", "secret_key", "token"},
	"azurerm": {"client_secret", "client_certificate_password"},
	"azuread": {"client_secret", "client_certificate_password"},
	"google": {"credentials", "access_token"},
	"google-beta": {"credentials", "access_token"},
	"github": {"token"},
	"gitlab": {"token"},
	"kubernetes": {"password", "client_key", "token"},
	"helm": {"password"},
}

literal(v) if {
	is_string(v)
	v != ""
	not contains(v, "${")
}

# concat, not sprintf: `name` comes from a set literal, which rego-cpp 1.5 would print quoted.
deny contains tf.fail(r, name, concat("", ["provider \"", r.name, "\" has a hard-coded `", name, "`"])) if {
	some r in tf.resources("provider")
	some name in object.get(secret_arguments, r.name, set())
	literal(object.get(r.attributes, name, null))
}
