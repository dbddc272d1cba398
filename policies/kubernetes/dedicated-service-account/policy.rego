# METADATA
# title: Workloads that use API credentials run under their own service account
# description: >-
#   A pod that names no service account runs as its namespace's `default` ServiceAccount, which
#   every other such pod shares: permissions granted for one workload reach all of them, and
#   audit logs cannot tell them apart (CIS 5.1.5). A workload fails when its pod template leaves
#   serviceAccountName (and the deprecated serviceAccount) unset or empty, or names `default`,
#   unless the pod receives no token at all (automountServiceAccountToken: false on the pod, or
#   unset there and false on the namespace's default ServiceAccount in the scanned manifests, and
#   no projected serviceAccountToken volume). Binding roles to the default account is K8S-033;
#   mounting tokens that are not needed is K8S-019.
# custom:
#   id: K8S-079
#   severity: low
#   resource_types: ["@workload"]
#   controls:
#     CC6.2: Each workload has its own identity, so its access can be granted, reviewed and removed on its own.
#     CC6.3: Permissions given to one workload are not shared with every pod of the namespace.
#   checkov: []
#   related_checkov:
#     CKV_K8S_41: checkov judges ServiceAccount objects named default, not the pods that use them
#   kics: [591ade62-d6b0-4580-b1ae-209f80ba1cd9]
#   remediation: |
#     apiVersion: v1
#     kind: ServiceAccount
#     metadata:
#       name: web
#       namespace: shop
#     ---
#     # in the pod template
#     spec:
#       serviceAccountName: web
package soc2gate.policies.kubernetes.dedicated_service_account

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.values
import rego.v1

deny contains k8s.fail(r, account_path(r), msg) if {
	some r in k8s.workloads
	account(r) == "default"
	not tokenless(r)
	msg := sprintf("the pod runs as the namespace's default ServiceAccount (%s), shared with every pod that names none", [how(r)])
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

how(r) := "serviceAccountName: default" if {
	r.pod.spec.serviceAccountName == "default"
} else := "serviceAccount: default" if {
	r.pod.spec.serviceAccount == "default"
} else := "serviceAccountName unset or empty"

account_path(r) := sprintf("%s.serviceAccountName", [r.pod.path]) if {
	values.has_key(r.pod.spec, "serviceAccountName")
} else := r.pod.path

# The pod holds no API credential of its account: it turns the token off, or leaves it to its
# ServiceAccount (the namespace's `default`, in the scanned manifests), which turns it off.
tokenless(r) if {
	r.pod.spec.automountServiceAccountToken == false
	not projected_token(r)
}

tokenless(r) if {
	object.get(r.pod.spec, "automountServiceAccountToken", null) == null
	some sa in k8s.named("ServiceAccount", k8s.namespace(r), "default")
	sa.attributes.automountServiceAccountToken == false
	not projected_token(r)
}

projected_token(r) if {
	some v in values.list_or_empty(object.get(r.pod.spec, "volumes", []))
	some source in values.list_or_empty(object.get(values.as_object(values.as_object(v).projected), "sources", []))
	values.as_object(source).serviceAccountToken != null
}
