# METADATA
# title: OpenSearch and Elasticsearch domains enforce HTTPS
# description: >-
#   aws_opensearch_domain and aws_elasticsearch_domain must enforce HTTPS. Both defaults come
#   from mappings/terraform-defaults.yaml: inside a domain_endpoint_options block the provider
#   defaults enforce_https to true; without the block nothing is sent and the service default
#   (HTTP allowed) applies, so an absent block fails.
# custom:
#   id: TF-024
#   severity: high
#   resource_types: [aws_opensearch_domain, aws_elasticsearch_domain]
#   controls:
#     CC6.1: Encrypted channels keep credentials and data from being read on the network.
#     CC6.7: Information is protected during transmission over networks.
#   inconclusive_if_unknown: [domain_endpoint_options.enforce_https]
#   checkov: [CKV_AWS_83]
#   kics: [2e9e0729-66d5-4148-9d39-5e6fb4bf2a4e]
#   remediation: |
#     domain_endpoint_options {
#       enforce_https       = true
#       tls_security_policy = "Policy-Min-TLS-1-2-2019-07"
#     }
package soc2gate.policies.terraform.aws_opensearch_enforce_https

import data.soc2gate.lib.terraform as tf
import rego.v1

types := ["aws_opensearch_domain", "aws_elasticsearch_domain"]

deny contains tf.fail(r, "domain_endpoint_options", "domain does not enforce HTTPS (no domain_endpoint_options: the service default allows HTTP): add domain_endpoint_options { enforce_https = true }") if {
	some type in types
	some r in tf.resources(type)
	count(tf.blocks(r.attributes, "domain_endpoint_options")) == 0
	absent := tf.default_of(type, "domain_endpoint_options")
	not tf.is_true(object.get(absent, "enforce_https", false))
}

deny contains tf.fail(r, "domain_endpoint_options.enforce_https", "domain allows plain HTTP (enforce_https = false)") if {
	some type in types
	some r in tf.resources(type)
	some o in tf.blocks(r.attributes, "domain_endpoint_options")
	not tf.is_true(tf.value(r, o, "enforce_https", "domain_endpoint_options.enforce_https"))
}
