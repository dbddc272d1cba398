# METADATA
# title: EKS API endpoints are not open to the whole internet
# description: >-
#   aws_eks_cluster vpc_config must either set endpoint_public_access = false or restrict
#   public_access_cidrs to known ranges. endpoint_public_access defaults to true and
#   public_access_cidrs to 0.0.0.0/0.
# custom:
#   id: TF-037
#   severity: high
#   resource_types: [aws_eks_cluster]
#   controls:
#     CC6.1: Access to the Kubernetes control plane is restricted to authorized networks.
#     CC6.6: The cluster API is not reachable from arbitrary internet sources.
#   inconclusive_if_unknown: [vpc_config.public_access_cidrs]
#   checkov: [CKV_AWS_38]
#   related_checkov:
#     CKV_AWS_39: checkov fails every public endpoint; soc2gate accepts a public endpoint restricted by public_access_cidrs (CKV_AWS_38)
#   kics: [42f4b905-3736-4213-bfe9-c0660518cda8, 61cf9883-1752-4768-b18c-0d57f2737709]
#   remediation: |
#     vpc_config {
#       subnet_ids              = var.private_subnet_ids
#       endpoint_private_access = true
#       endpoint_public_access  = false
#     }
package soc2gate.policies.terraform.aws_eks_endpoint_not_public

import data.soc2gate.lib.terraform as tf
import rego.v1

open_to_world(cfg) if {
	not tf.is_set(object.get(cfg, "public_access_cidrs", null))
}

open_to_world(cfg) if {
	some c in object.get(cfg, "public_access_cidrs", [])
	tf.open_cidr(c)
}

deny contains tf.fail(r, "vpc_config.endpoint_public_access", "cluster API endpoint is public and open to 0.0.0.0/0") if {
	some r in tf.resources("aws_eks_cluster")
	cfg := tf.block(r.attributes, "vpc_config")
	not tf.is_false(object.get(cfg, "endpoint_public_access", null))
	open_to_world(cfg)
}
