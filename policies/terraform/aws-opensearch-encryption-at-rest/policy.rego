# METADATA
# title: OpenSearch and Elasticsearch domains encrypt data at rest
# description: >-
#   aws_opensearch_domain and aws_elasticsearch_domain must have encrypt_at_rest { enabled =
#   true }. The provider default is false and enabling it later requires a blue/green
#   deployment.
# custom:
#   id: TF-013
#   severity: high
#   resource_types: [aws_opensearch_domain, aws_elasticsearch_domain]
#   controls:
#     CC6.1: Encryption at rest is a logical access safeguard over stored information.
#     C1.1: Confidential information at rest is protected from disclosure.
#   checkov: [CKV_AWS_5]
#   kics: [24e16922-4330-4e9d-be8a-caa90299466a]
#   remediation: |
#     resource "aws_opensearch_domain" "search" {
#       domain_name = "search"
#       encrypt_at_rest {
#         enabled = true
#       }
#     }
package soc2gate.policies.terraform.aws_opensearch_encryption_at_rest

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "encrypt_at_rest.enabled", "domain does not encrypt data at rest: add encrypt_at_rest { enabled = true }") if {
	some r in tf.resources_of(["aws_opensearch_domain", "aws_elasticsearch_domain"])
	not tf.is_true(object.get(tf.block(r.attributes, "encrypt_at_rest"), "enabled", null))
}
