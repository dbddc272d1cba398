# METADATA
# title: API Gateway response caches are encrypted
# description: >-
#   An aws_api_gateway_method_settings that turns on caching (settings.caching_enabled = true)
#   must set settings.cache_data_encrypted = true; the default is false, so cached responses sit
#   unencrypted in the stage's cache cluster. Settings without caching pass.
# custom:
#   id: TF-186
#   severity: medium
#   resource_types: [aws_api_gateway_method_settings]
#   controls:
#     CC6.1: Encryption at rest is a logical access safeguard over stored information.
#     C1.1: Confidential information at rest is protected from disclosure.
#   inconclusive_if_unknown: [settings.caching_enabled]
#   checkov: [CKV_AWS_308]
#   kics: [b7c9a40c-23e4-4a2d-8d39-a3352f10f288]
#   remediation: |
#     settings {
#       caching_enabled      = true
#       cache_data_encrypted = true
#     }
package soc2gate.policies.terraform.aws_apigateway_cache_encryption

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "settings.cache_data_encrypted", "cached responses are not encrypted: set cache_data_encrypted = true") if {
	some r in tf.resources("aws_api_gateway_method_settings")
	settings := tf.block(r.attributes, "settings")
	tf.is_true(object.get(settings, "caching_enabled", null))
	not tf.is_true(object.get(settings, "cache_data_encrypted", null))
}
