# METADATA
# title: Redshift clusters require SSL connections
# description: >-
#   An aws_redshift_cluster must use a parameter group (aws_redshift_parameter_group, linked by
#   literal name or by reference) with parameter require_ssl = true. A cluster without
#   cluster_parameter_group_name uses the default group, where require_ssl is false. A group
#   soc2gate cannot see (variable, module output, data source) is inconclusive.
# custom:
#   id: TF-026
#   severity: high
#   resource_types: [aws_redshift_cluster]
#   controls:
#     CC6.1: Encrypted channels keep credentials and data from being read on the network.
#     CC6.7: Information is protected during transmission over networks.
#   checkov: []
#   related_checkov:
#     CKV_AWS_105: checkov judges aws_redshift_parameter_group; soc2gate judges the cluster through its linked parameter group
#   kics: []
#   remediation: |
#     resource "aws_redshift_parameter_group" "secure" {
#       name   = "secure"
#       family = "redshift-1.0"
#       parameter {
#         name  = "require_ssl"
#         value = "true"
#       }
#     }
#
#     resource "aws_redshift_cluster" "dw" {
#       cluster_identifier           = "dw"
#       cluster_parameter_group_name = aws_redshift_parameter_group.secure.name
#     }
package soc2gate.policies.terraform.aws_redshift_require_ssl

import data.soc2gate.lib.terraform as tf
import rego.v1

# Parameter groups this cluster uses: linked by literal name, or referenced in this module.
groups(r) := array.concat([l.attributes | some l in tf.links(r, "aws_redshift_parameter_group")], [g.attributes |
	ref := regex.find_all_string_submatch_n(`^\$\{aws_redshift_parameter_group\.([A-Za-z0-9_-]+)(?:\[[^\]]*\])?\.(?:name|id)\}$`, sprintf("%v", [tf.attr(r, "cluster_parameter_group_name")]), 1)
	count(ref) == 1
	some g in tf.resources("aws_redshift_parameter_group")
	g.name == ref[0][1]
	g.module == r.module
	g.root == r.root
])

requires_ssl(group) if {
	some p in tf.blocks(group, "parameter")
	p.name == "require_ssl"
	tf.is_true(p.value)
}

deny contains tf.fail(r, "cluster_parameter_group_name", "cluster uses the default parameter group, where require_ssl is false") if {
	some r in tf.resources("aws_redshift_cluster")
	not tf.is_set(tf.attr(r, "cluster_parameter_group_name"))
}

deny contains tf.fail(r, "cluster_parameter_group_name", "cluster parameter group cannot be resolved to check require_ssl") if {
	some r in tf.resources("aws_redshift_cluster")
	tf.is_set(tf.attr(r, "cluster_parameter_group_name"))
	count(groups(r)) == 0
}

deny contains tf.fail(r, "cluster_parameter_group_name#require_ssl", "cluster parameter group does not set require_ssl = true") if {
	some r in tf.resources("aws_redshift_cluster")
	some g in groups(r)
	not requires_ssl(g)
}
