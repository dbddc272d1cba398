# METADATA
# title: Pods do not automount a service account token they do not need
# description: >-
#   Kubernetes mounts an API token into every pod by default; an attacker with code execution
#   in the pod can use it against the API server with the service account's permissions. A
#   workload passes when its pod spec sets automountServiceAccountToken: false, or leaves it
#   unset and uses a ServiceAccount (serviceAccountName, else "default") that is in the
#   scanned manifests, in the same namespace, with automountServiceAccountToken: false. The
#   pod-level value overrides the ServiceAccount's, so a pod setting true fails.
# custom:
#   id: K8S-019
#   severity: medium
#   resource_types: ["@workload"]
#   controls:
#     CC6.1: API credentials are issued only to workloads that need API access.
#     CC6.3: Least privilege, since a workload that never calls the API should hold no API credential.
#   checkov: [CKV_K8S_38]
#   kics: [48471392-d4d0-47c0-b135-cdec95eb3eef]
#   remediation: |
#     apiVersion: v1
#     kind: ServiceAccount
#     metadata:
#       name: web
#     automountServiceAccountToken: false
#     ---
#     # and in the pod spec (also enough on its own):
#     spec:
#       serviceAccountName: web
#       automountServiceAccountToken: false
package soc2gate.policies.kubernetes.service_account_token_automount

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.values
import rego.v1

deny contains k8s.fail(r, sprintf("%s.automountServiceAccountToken", [r.pod.path]), "the pod sets automountServiceAccountToken: true, so every container gets an API token") if {
	some r in k8s.workloads
	r.pod.spec.automountServiceAccountToken == true
}

deny contains k8s.fail(r, account_path(r), sprintf("the pod does not set automountServiceAccountToken: false and its ServiceAccount \"%s\" %s", [account(r), why])) if {
	some r in k8s.workloads
	object.get(r.pod.spec, "automountServiceAccountToken", null) == null
	not account_disables(r)
	why := account_state(r)
}

account(r) := sprintf("%v", [name]) if {
	name := r.pod.spec.serviceAccountName
	name != null
	name != ""
} else := sprintf("%v", [name]) if {
	name := r.pod.spec.serviceAccount
	name != null
	name != ""
} else := "default"

account_path(r) := sprintf("%s.serviceAccountName", [r.pod.path]) if {
	values.has_key(r.pod.spec, "serviceAccountName")
} else := r.pod.path

accounts(r) := k8s.named("ServiceAccount", k8s.namespace(r), account(r))

account_disables(r) if {
	some sa in accounts(r)
	sa.attributes.automountServiceAccountToken == false
}

account_state(r) := "does not set automountServiceAccountToken: false" if {
	count(accounts(r)) > 0
} else := sprintf("is not in the scanned manifests (namespace %s), so the token is mounted by default", [k8s.namespace(r)])
