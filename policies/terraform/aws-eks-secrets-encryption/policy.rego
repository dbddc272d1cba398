# METADATA
# title: EKS clusters encrypt Kubernetes secrets with KMS
# description: >-
#   aws_eks_cluster must have an encryption_config whose resources include secrets and whose
#   provider names a KMS key, so Kubernetes secrets get envelope encryption in etcd.
# custom:
#   id: TF-018
#   severity: high
#   resource_types: [aws_eks_cluster]
#   controls:
#     CC6.1: Encryption at rest is a logical access safeguard over stored information.
#     C1.1: Confidential information at rest is protected from disclosure.
#   inconclusive_if_unknown: [encryption_config.resources]
#   checkov: [CKV_AWS_58]
#   kics: [63ebcb19-2739-4d3f-aa5c-e8bbb9b85281]
#   remediation: |
#     resource "aws_eks_cluster" "main" {
#       name     = "main"
#       role_arn = aws_iam_role.eks.arn
#       vpc_config {
#         subnet_ids = var.subnet_ids
#       }
#       encryption_config {
#         resources = ["secrets"]
#         provider {
#           key_arn = aws_kms_key.eks.arn
#         }
#       }
#     }
package soc2gate.policies.terraform.aws_eks_secrets_encryption

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "encryption_config", "Kubernetes secrets are not envelope-encrypted: add encryption_config with resources = [secrets]") if {
	some r in tf.resources("aws_eks_cluster")
	not encrypts_secrets(r)
}

encrypts_secrets(r) if {
	some c in tf.blocks(r.attributes, "encryption_config")
	resources := object.get(c, "resources", [])
	is_array(resources)
	"secrets" in resources
	some p in tf.blocks(c, "provider")
	tf.is_set(object.get(p, "key_arn", null))
}

encrypts_secrets(r) if {
	some c in tf.blocks(r.attributes, "encryption_config")
	is_string(object.get(c, "resources", null))
	contains(c.resources, "${")
}
