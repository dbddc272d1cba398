# METADATA
# title: Cloud KMS symmetric keys rotate at least every 90 days
# description: >-
#   Automatic rotation limits how much data one key version protects and how long a leaked
#   version stays useful. Fails for a symmetric encryption key (`purpose` absent or
#   ENCRYPT_DECRYPT) without `rotation_period`, or with a period longer than 90 days
#   (7776000s). Asymmetric, MAC and raw keys cannot rotate automatically and are not judged.
# custom:
#   id: TF-111
#   severity: medium
#   resource_types: [google_kms_crypto_key]
#   controls:
#     CC6.1: Key rotation is part of managing the encryption keys that protect data.
#     PI1.5: Stored data stays protected by current key material.
#   inconclusive_if_unknown: [purpose]
#   checkov: [CKV_GCP_43]
#   kics: [d8c57c4e-bf6f-4e32-a2bf-8643532de77b]
#   remediation: |
#     resource "google_kms_crypto_key" "data" {
#       name            = "data"
#       key_ring        = google_kms_key_ring.ring.id
#       rotation_period = "7776000s"   # 90 days
#     }
package soc2gate.policies.terraform.gcp_kms_rotation

import data.soc2gate.lib.terraform as tf
import rego.v1

max_seconds := 7776000

deny contains tf.fail(r, "rotation_period", "key has no rotation_period: it never rotates automatically") if {
	some r in symmetric_keys
	not tf.is_set(tf.attr(r, "rotation_period"))
}

deny contains tf.fail(r, "rotation_period", sprintf("rotation period %v is longer than 90 days (7776000s)", [period])) if {
	some r in symmetric_keys
	period := tf.attr(r, "rotation_period")
	tf.is_set(period)
	not within_limit(sprintf("%v", [period]))
}

symmetric_keys contains r if {
	some r in tf.resources("google_kms_crypto_key")
	object.get(r.attributes, "purpose", "ENCRYPT_DECRYPT") == "ENCRYPT_DECRYPT"
}

within_limit(period) if {
	regex.match(`^[0-9]+(\.[0-9]+)?s$`, period)
	to_number(trim_suffix(period, "s")) <= max_seconds
}
