# METADATA
# title: Cloud KMS keys grant no access to allUsers or allAuthenticatedUsers
# description: >-
#   A KMS key or key ring that grants a role to `allUsers` or `allAuthenticatedUsers`
#   lets anyone encrypt, decrypt or administer with it. Checks crypto key and key ring IAM
#   members and bindings, and `*_iam_policy` resources built from a
#   `data.google_iam_policy` of the same module (an unresolvable policy is inconclusive).
# custom:
#   id: TF-115
#   severity: critical
#   resource_types:
#     - google_kms_crypto_key_iam_member
#     - google_kms_crypto_key_iam_binding
#     - google_kms_crypto_key_iam_policy
#     - google_kms_key_ring_iam_member
#     - google_kms_key_ring_iam_binding
#     - google_kms_key_ring_iam_policy
#   controls:
#     CC6.1: Use of encryption keys is restricted to authorized identities.
#     C1.1: Data protected by the key cannot be decrypted by the public.
#   inconclusive_if_unknown: [member, members]
#   checkov: [CKV_GCP_112]
#   kics: [16cc87d1-dd47-4f46-b3ce-4dfcac8fd2f5]
#   remediation: |
#     resource "google_kms_crypto_key_iam_member" "encrypter" {
#       crypto_key_id = google_kms_crypto_key.data.id
#       role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
#       member        = "serviceAccount:app@acme.iam.gserviceaccount.com"
#     }
package soc2gate.policies.terraform.gcp_kms_public_access

import data.soc2gate.lib.terraform as tf
import data.soc2gate.lib.values
import rego.v1

public_principals := {"allUsers", "allAuthenticatedUsers"}

member_types := [
	"google_kms_crypto_key_iam_member", "google_kms_crypto_key_iam_binding",
	"google_kms_key_ring_iam_member", "google_kms_key_ring_iam_binding",
]

policy_types := ["google_kms_crypto_key_iam_policy", "google_kms_key_ring_iam_policy"]

deny contains tf.fail_certain(r, key, sprintf("grants %s to %s", [object.get(r.attributes, "role", "a role"), m])) if {
	some r in tf.resources_of(member_types)
	some key in ["member", "members"]
	some m in values.as_list(object.get(r.attributes, key, []))
	m in public_principals
}

deny contains tf.fail(r, "", sprintf("policy from %s grants %s to %s", [d.address, object.get(binding, "role", "a role"), m])) if {
	some r in tf.resources_of(policy_types)
	some d in policy_documents(r)
	some binding in tf.blocks(d.attributes, "binding")
	some key in ["member", "members"]
	some m in values.as_list(object.get(binding, key, []))
	m in public_principals
}

inconclusive contains {"resource": r.id, "path": "policy_data", "message": msg, "expression": expr} if {
	some r in tf.resources_of(policy_types)
	count(policy_documents(r)) == 0
	expr := sprintf("%v", [object.get(r.attributes, "policy_data", "")])
	msg := sprintf("%s: cannot decide: policy_data is not a data.google_iam_policy of this module", [r.address])
}

policy_documents(r) := [d |
	some d in object.get(input.resources, "google_iam_policy", [])
	d.kind == "data"
	d.module == r.module
	d.root == r.root
	contains(sprintf("%v", [object.get(r.attributes, "policy_data", "")]), sprintf("data.google_iam_policy.%s.", [d.name]))
]
