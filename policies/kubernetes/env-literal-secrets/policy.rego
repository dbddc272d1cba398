# METADATA
# title: Credentials are not written literally into container environment variables
# description: >-
#   A password or token written as a literal env value is stored in the manifest, in Git
#   history, in the cluster's object store unencrypted, and is readable by everyone who can
#   read the workload. An env entry of any container (init, regular, ephemeral) whose name
#   looks like a credential (contains PASSWORD, PASSWD, PASSPHRASE, SECRET, TOKEN, API_KEY,
#   APIKEY, ACCESS_KEY, PRIVATE_KEY or CREDENTIAL, in any case) fails when it has a non-empty
#   literal `value` instead of valueFrom.secretKeyRef. Names that describe a credential
#   rather than hold it (ending in _FILE, _PATH, _NAME, _URL, _ID, _TTL, ...) and values that
#   only reference another variable ($(VAR)) are not judged. The value is never printed.
# custom:
#   id: K8S-018
#   severity: high
#   resource_types: ["@workload"]
#   controls:
#     CC6.1: Credentials must be protected by access-controlled secret storage, not readable with the workload definition.
#     CC6.6: Leaked manifests or repositories must not hand outsiders working credentials.
#     CC6.7: Secrets stay in the Secret store instead of travelling with manifests through CI and Git.
#   checkov: []
#   kics: []
#   remediation: |
#     env:
#       - name: DB_PASSWORD
#         valueFrom:
#           secretKeyRef:
#             name: db-credentials
#             key: password
package soc2gate.policies.kubernetes.env_literal_secrets

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.values
import rego.v1

# Matched against the upper-cased name (no inline (?i): rego-cpp's regex engine rejects it).
sensitive := `PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL`

descriptive := `[_.-](FILE|PATH|DIR|NAME|URL|URI|ENDPOINT|HOST|PORT|ID|TTL|EXPIRY|EXPIRES|EXPIRATION|TIMEOUT|LENGTH|SIZE|TYPE|ENABLED|REF|HEADER|AUDIENCE|ISSUER|FORMAT|MODE|LOCATION|VERSION)$`

deny contains k8s.fail(r, sprintf("%s.env[%d].value", [c.path, j]), sprintf("container \"%s\" sets the credential-like variable %s to a literal value; use valueFrom.secretKeyRef", [c.name, name])) if {
	some r in k8s.workloads
	some c in k8s.containers(r)
	some j, e in values.list_or_empty(object.get(c.container, "env", []))
	name := sprintf("%v", [e.name])
	regex.match(sensitive, upper(name))
	not regex.match(descriptive, upper(name))
	literal(e.value)
}

literal(v) if {
	v != null
	text := trim_space(sprintf("%v", [v]))
	text != ""
	not regex.match(`^\$\([A-Za-z_][A-Za-z0-9_]*\)$`, text)
}
