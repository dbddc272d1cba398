# METADATA
# title: OpenSearch and Elasticsearch domains encrypt node-to-node traffic
# description: >-
#   aws_opensearch_domain and aws_elasticsearch_domain must have node_to_node_encryption {
#   enabled = true } so traffic between cluster nodes is TLS-encrypted (default false).
# custom:
#   id: TF-023
#   severity: medium
#   resource_types: [aws_opensearch_domain, aws_elasticsearch_domain]
#   controls:
#     CC6.1: Encrypted channels keep credentials and data from being read on the network.
#     CC6.7: Information is protected during transmission over networks.
#   checkov: []
#   related_checkov:
#     CKV_AWS_6: checkov passes domains without cluster_config.instance_count; soc2gate judges every domain (the provider default is node-to-node encryption off)
#   kics: [967eb3e6-26fc-497d-8895-6428beb6e8e2]
#   remediation: |
#     node_to_node_encryption {
#       enabled = true
#     }
package soc2gate.policies.terraform.aws_opensearch_node_to_node_encryption

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "node_to_node_encryption.enabled", "node-to-node encryption is off: add node_to_node_encryption { enabled = true }") if {
	some r in tf.resources_of(["aws_opensearch_domain", "aws_elasticsearch_domain"])
	not tf.is_true(object.get(tf.block(r.attributes, "node_to_node_encryption"), "enabled", null))
}
