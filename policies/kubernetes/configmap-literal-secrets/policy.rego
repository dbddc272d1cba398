# METADATA
# title: ConfigMaps hold no credentials
# description: >-
#   ConfigMaps are not meant for secrets: they are readable by every role that may read
#   configuration, printed by kubectl describe, and never encrypted at rest. A ConfigMap
#   fails for each data entry whose key looks like a credential (contains PASSWORD, PASSWD,
#   PASSPHRASE, SECRET, TOKEN, API_KEY, APIKEY, ACCESS_KEY, PRIVATE_KEY or CREDENTIAL, in
#   any case, and does not end in a descriptive suffix such as _FILE, _PATH, _NAME, _URL or
#   _ID) with a non-empty value, and for each entry whose value contains a PEM private key.
#   The value is never printed.
# custom:
#   id: K8S-036
#   severity: high
#   resource_types: [ConfigMap]
#   controls:
#     CC6.1: Credentials belong in access-controlled Secret storage, not in broadly readable configuration.
#     CC6.6: Leaked manifests or repositories must not hand outsiders working credentials.
#     CC6.7: Secrets stay in the Secret store instead of travelling with configuration through CI and Git.
#   checkov: []
#   kics: []
#   remediation: |
#     apiVersion: v1
#     kind: Secret
#     metadata:
#       name: app-credentials
#     type: Opaque
#     stringData:
#       DB_PASSWORD: "<from your secret manager, not committed>"
package soc2gate.policies.kubernetes.configmap_literal_secrets

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.values
import rego.v1

# Matched against the upper-cased key (no inline (?i): rego-cpp's regex engine rejects it).
sensitive := `PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL`

descriptive := `[_.-](FILE|PATH|DIR|NAME|URL|URI|ENDPOINT|HOST|PORT|ID|TTL|EXPIRY|EXPIRES|EXPIRATION|TIMEOUT|LENGTH|SIZE|TYPE|ENABLED|REF|HEADER|AUDIENCE|ISSUER|FORMAT|MODE|LOCATION|VERSION)$`

deny contains k8s.fail(r, sprintf("data.%s", [key]), sprintf("data key %s looks like a credential and has a literal value; move it to a Secret", [key])) if {
	some r in k8s.resources("ConfigMap")
	entries := values.as_object(object.get(r.attributes, "data", {}))
	some key
	value := entries[key]
	regex.match(sensitive, upper(key))
	not regex.match(descriptive, upper(key))
	trim_space(sprintf("%v", [value])) != ""
}

deny contains k8s.fail(r, sprintf("data.%s", [key]), sprintf("data key %s contains a PEM private key; move it to a Secret", [key])) if {
	some r in k8s.resources("ConfigMap")
	entries := values.as_object(object.get(r.attributes, "data", {}))
	some key
	value := entries[key]
	regex.match(`-----BEGIN ([A-Z0-9]+ )?PRIVATE KEY-----`, sprintf("%v", [value]))
}
