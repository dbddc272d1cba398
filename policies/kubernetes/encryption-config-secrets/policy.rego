# METADATA
# title: The encryption configuration encrypts Secrets when they are written
# description: >-
#   kube-apiserver encrypts a resource with the first provider listed for it and uses the others
#   only to read existing data, so an EncryptionConfiguration whose first provider for Secrets
#   is identity stores new Secrets in plain text, however many encrypting providers follow. An
#   EncryptionConfiguration fails when no entry covers secrets (by name, "*.", or "*.*"), or
#   when the first entry that covers them has no provider or starts with identity.
# custom:
#   id: K8S-066
#   severity: high
#   resource_types: [EncryptionConfiguration]
#   controls:
#     CC6.1: Secrets written to etcd must be encrypted so that datastore access does not reveal credentials.
#     CC6.7: etcd backups and disks leave the cluster; the Secrets in them must be unreadable.
#   checkov: []
#   kics: []
#   related_kics:
#     10efce34-5af6-4d83-b414-9e096d5a06a9: KICS passes a configuration with any aescbc/kms/secretbox provider, even after identity; Kubernetes writes with the first provider only
#   remediation: |
#     apiVersion: apiserver.config.k8s.io/v1
#     kind: EncryptionConfiguration
#     resources:
#       - resources: [secrets]
#         providers:
#           - kms: {apiVersion: v2, name: cloud-kms, endpoint: unix:///var/run/kms.sock}   # writes use the first
#           - identity: {}                                                                # reads of old plain data
package soc2gate.policies.kubernetes.encryption_config_secrets

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.values
import rego.v1

deny contains k8s.fail(r, "resources", "no entry of the encryption configuration covers secrets: they are stored unencrypted") if {
	some r in k8s.resources("EncryptionConfiguration")
	count(covering(r)) == 0
}

deny contains k8s.fail(r, sprintf("resources[%d].providers", [i]), sprintf("resources[%d] encrypts secrets with %s first: new Secrets are written %s", [i, first, outcome(first)])) if {
	some r in k8s.resources("EncryptionConfiguration")
	i := covering(r)[0]
	first := first_provider(r.attributes.resources[i])
	first in {"identity", "(none)"}
}

# Indexes of the entries whose resources include secrets (Kubernetes uses the first).
covering(r) := [i |
	entries := values.list_or_empty(object.get(r.attributes, "resources", []))
	some i
	entry := entries[i]
	is_object(entry)
	some name in values.list_or_empty(object.get(entry, "resources", []))
	name in {"secrets", "*.", "*.*"}
]

first_provider(entry) := name if {
	provider := values.list_or_empty(object.get(entry, "providers", []))[0]
	is_object(provider)
	some name, _ in provider
} else := "(none)"

outcome("identity") := "in plain text"

outcome("(none)") := "without a provider (the API server refuses the configuration)"
