# METADATA
# title: S3 bucket ACLs do not grant access to everyone
# description: >-
#   A canned ACL of public-read, public-read-write or authenticated-read (any AWS account), or a
#   grant to the AllUsers / AuthenticatedUsers groups, exposes the bucket. Checked on the inline
#   acl / grant of aws_s3_bucket (provider v3) and on aws_s3_bucket_acl (v4+); a bucket also
#   fails through the aws_s3_bucket_acl resources linked to it (reference or name), so the bucket
#   carries its effective ACL. An acl outside the documented canned ACLs
#   (mappings/terraform-defaults.yaml) is not compliant either.
# custom:
#   id: TF-028
#   severity: critical
#   resource_types: [aws_s3_bucket, aws_s3_bucket_acl]
#   controls:
#     CC6.1: Logical access to the resource is restricted to authorized users.
#     CC6.6: The system boundary blocks access from outside sources that are not authorized.
#     C1.1: Confidential objects are not readable by the public.
#   inconclusive_if_unknown: [acl]
#   checkov: [CKV_AWS_20, CKV_AWS_57]
#   kics: [38c5ee0d-7f22-4260-ab72-5073048df100, 57b9893d-33b1-4419-bcea-a717ea87e139]
#   remediation: |
#     resource "aws_s3_bucket_acl" "data" {
#       bucket = aws_s3_bucket.data.id
#       acl    = "private"
#     }
package soc2gate.policies.terraform.aws_s3_no_public_acl

import data.soc2gate.lib.terraform as tf
import rego.v1

public_acls := {"public-read", "public-read-write", "authenticated-read"}

public_group(uri) if endswith(sprintf("%v", [uri]), "/global/AllUsers")

public_group(uri) if endswith(sprintf("%v", [uri]), "/global/AuthenticatedUsers")

deny contains tf.fail(r, "acl", sprintf("bucket ACL %v grants access to everyone", [r.attributes.acl])) if {
	some r in tf.resources_of(["aws_s3_bucket", "aws_s3_bucket_acl"])
	tf.attr(r, "acl") in public_acls
}

deny contains tf.fail(r, "links.aws_s3_bucket_acl", sprintf("bucket is exposed by %s", [link.address])) if {
	some r in tf.resources("aws_s3_bucket")
	some link in tf.links(r, "aws_s3_bucket_acl")
	not link_unknown(link)
	public_acl_resource(link.attributes)
}

deny contains tf.fail(r, "acl", sprintf("acl \"%v\" is not a documented canned ACL", [r.attributes.acl])) if {
	some type in ["aws_s3_bucket", "aws_s3_bucket_acl"]
	some r in tf.resources(type)
	is_string(r.attributes.acl)
	not tf.allowed(type, "acl", r.attributes.acl)
}

link_unknown(link) if {
	some key, _ in object.get(link, "unknown", {})
	startswith(key, "acl")
}

link_unknown(link) if {
	some key, _ in object.get(link, "unknown", {})
	startswith(key, "access_control_policy")
}

public_acl_resource(attributes) if object.get(attributes, "acl", null) in public_acls

public_acl_resource(attributes) if {
	some p in tf.blocks(attributes, "access_control_policy")
	some g in tf.blocks(p, "grant")
	some grantee in tf.blocks(g, "grantee")
	public_group(object.get(grantee, "uri", ""))
}

deny contains tf.fail(r, "grant", sprintf("bucket grants %v to a public group", [object.get(g, "permissions", [])])) if {
	some r in tf.resources("aws_s3_bucket")
	some g in tf.blocks(r.attributes, "grant")
	public_group(object.get(g, "uri", ""))
}

deny contains tf.fail(r, "access_control_policy.grant", sprintf("bucket ACL grants %v to a public group", [object.get(g, "permission", "")])) if {
	some r in tf.resources("aws_s3_bucket_acl")
	some p in tf.blocks(r.attributes, "access_control_policy")
	some g in tf.blocks(p, "grant")
	some grantee in tf.blocks(g, "grantee")
	public_group(object.get(grantee, "uri", ""))
}

inconclusive contains {"resource": r.id, "path": "links.aws_s3_bucket_acl", "message": msg, "expression": expression} if {
	some r in tf.resources("aws_s3_bucket")
	some link in tf.links(r, "aws_s3_bucket_acl")
	some key, expression in object.get(link, "unknown", {})
	some prefix in ["acl", "access_control_policy"]
	startswith(key, prefix)
	msg := sprintf("%s: the ACL of %s is not known", [r.address, link.address])
}
