# METADATA
# title: MSK clusters encrypt data in transit
# description: >-
#   aws_msk_cluster must keep encryption_info.encryption_in_transit.client_broker at TLS (TLS_PLAINTEXT
#   and PLAINTEXT accept unencrypted client connections) and must not set in_cluster = false. Absent,
#   the provider defaults are TLS and true, and MSK always encrypts data at rest (with an AWS managed
#   key unless encryption_at_rest_kms_key_arn names one), so a cluster without encryption_info passes.
# custom:
#   id: TF-174
#   severity: high
#   resource_types: [aws_msk_cluster]
#   controls:
#     CC6.7: Transmitted information is protected from disclosure and tampering.
#     C1.1: Confidential information in transit is protected from disclosure.
#   inconclusive_if_unknown: [encryption_info.encryption_in_transit.client_broker, encryption_info.encryption_in_transit.in_cluster]
#   related_checkov:
#     CKV_AWS_81: checkov also fails a cluster without encryption_info, whose defaults encrypt in transit and at rest
#   kics: [6db52fa6-d4da-4608-908a-89f0c59e743e]
#   remediation: |
#     encryption_info {
#       encryption_in_transit {
#         client_broker = "TLS"
#         in_cluster    = true
#       }
#     }
package soc2gate.policies.terraform.aws_msk_encryption_in_transit

import data.soc2gate.lib.terraform as tf
import rego.v1

in_transit(r) := tf.block(tf.block(r.attributes, "encryption_info"), "encryption_in_transit")

deny contains tf.fail(r, "encryption_info.encryption_in_transit.client_broker", sprintf("clients may connect in plaintext (client_broker = %v): use TLS", [mode])) if {
	some r in tf.resources("aws_msk_cluster")
	mode := tf.value(r, in_transit(r), "client_broker", "encryption_info.encryption_in_transit.client_broker")
	upper(sprintf("%v", [mode])) != "TLS"
}

deny contains tf.fail(r, "encryption_info.encryption_in_transit.in_cluster", "traffic between brokers is not encrypted: remove in_cluster = false") if {
	some r in tf.resources("aws_msk_cluster")
	tf.is_false(object.get(in_transit(r), "in_cluster", null))
}
